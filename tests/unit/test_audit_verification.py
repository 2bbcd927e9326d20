"""Verification of the sealed audit log: each kind of tampering is found and names the entry."""

from __future__ import annotations

import copy
from dataclasses import replace

import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from app.domain.audit import AuditAction
from app.domain.audit_chain.canonical import canonical_bytes, event_document, event_from_document
from app.domain.audit_chain.verification import verify_log
from tests.unit.audit_chain_builders import checkpoint_of, event, sealed_log, signer


def _setup(n: int = 8):
    key = signer()
    entries = sealed_log(n)
    return (
        entries,
        [checkpoint_of(entries, 4, key), checkpoint_of(entries, n, key)],
        {key.key_id: key.public_key},
    )


def test_an_untouched_log_verifies_and_is_covered_by_its_last_checkpoint() -> None:
    entries, checkpoints, keys = _setup()
    report = verify_log(entries, checkpoints, keys)
    assert report.ok, report.findings
    assert report.covered_through == 8


def test_a_changed_field_names_the_entry() -> None:
    entries, checkpoints, keys = _setup()
    changed = copy.deepcopy(entries[5].document)
    assert changed is not None
    changed["reason"] = "Fall nicht gelesen."
    entries[5] = replace(entries[5], document=changed)
    findings = verify_log(entries, checkpoints, keys).findings
    assert any("Eintrag Nr. 5 (id " in f and "Inhalt verändert" in f for f in findings), findings


def test_a_deleted_entry_is_named_with_its_neighbours() -> None:
    entries, checkpoints, keys = _setup()
    del entries[3]
    findings = verify_log(entries, checkpoints, keys).findings
    assert any(f.startswith("Eintrag Nr. 3 fehlt zwischen Eintrag Nr. 2") for f in findings), findings


def test_reordered_entries_are_named() -> None:
    entries, checkpoints, keys = _setup()
    entries[2], entries[3] = entries[3], entries[2]
    findings = verify_log(entries, checkpoints, keys).findings
    assert any("Reihenfolge verändert: Eintrag Nr. 2" in f and "Eintrag Nr. 3" in f for f in findings), (
        findings
    )


def test_a_truncated_tail_is_found_through_the_checkpoint() -> None:
    entries, checkpoints, keys = _setup()
    findings = verify_log(entries[:6], checkpoints, keys).findings
    assert any(f.startswith("Einträge ab Nr. 6 fehlen") and "Eintrag Nr. 5 (id" in f for f in findings)


def test_a_rewritten_chain_fails_against_the_signed_checkpoint() -> None:
    entries, checkpoints, keys = _setup()
    rewritten = sealed_log(8)[:7] + sealed_log(9)[8:]  # same chain shape, different last entry
    forged = [*entries[:7], replace(rewritten[-1], position=7)]
    findings = verify_log(forged, checkpoints, keys).findings
    assert any("Eintrag Nr. 7" in f for f in findings), findings


def test_a_replaced_checkpoint_is_found() -> None:
    entries, checkpoints, keys = _setup()
    forged = checkpoint_of(entries, 8, signer())  # signed with a key nobody trusts
    findings = verify_log(entries, [checkpoints[0], forged], keys).findings
    assert any("Baumgrösse 8" in f and "Signatur ungültig" in f for f in findings), findings
    tampered = replace(checkpoints[1], tree_size=7)
    findings = verify_log(entries, [checkpoints[0], tampered], keys).findings
    assert any("Baumgrösse 7" in f and "Signatur ungültig" in f for f in findings), findings


def test_a_witnessed_checkpoint_the_log_no_longer_matches_is_found() -> None:
    key = signer()
    kept = sealed_log(6)
    witness = checkpoint_of(kept, 6, key)
    findings = verify_log(kept[:4], [], {key.key_id: key.public_key}, witnessed=[witness]).findings
    assert any("Zeugen-Checkpoint" in f and "Einträge ab Nr. 4 fehlen" in f for f in findings), findings


@given(st.text(max_size=40), st.sampled_from(["read", "create", "disclose"]))
def test_canonical_document_round_trips(reason: str, action: str) -> None:
    original = event(1, reason=reason, action=AuditAction(action))
    document = event_document(original)
    assert event_from_document(document) == original
    assert canonical_bytes(document) == canonical_bytes(event_document(event_from_document(document)))


def test_canonical_encoding_follows_rfc_8785() -> None:
    assert canonical_bytes({"b": 1, "a": [1.0, "ä", None]}) == '{"a":[1,"ä",null],"b":1}'.encode()


_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**60), 2**60)
    | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)


@given(_json_values)
def test_canonical_bytes_equal_the_rfc_8785_reference(value: object) -> None:
    try:
        expected = rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, UnicodeEncodeError, ValueError):
        return
    assert canonical_bytes(value) == expected
