"""Tamper evidence for the audit log: canonical encoding, hash chain, Merkle tree, checkpoints."""
