"""A4 PDF in German whose text blocks stand in the structure tree (headings, paragraphs, language
de-CH), so screen readers read them in order; embedded Unicode font (DejaVu Sans)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fpdf import FPDF

FONTS = Path(__file__).parent / "fonts"


class TaggedPdf(FPDF):
    """FPDF that puts each block of text into the structure tree, so screen readers find its order."""

    def __init__(self, title: str, author: str) -> None:
        super().__init__(format="A4")
        self.set_lang("de-CH")
        self.set_title(title)
        self.set_author(author)
        self.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(auto=True, margin=15)
        self.add_page()
        self.set_font("DejaVu", "", 10)

    def heading(self, text: str, level: int = 2) -> None:
        self.set_font("DejaVu", "B", 14 if level == 1 else 12)
        self.block(f"H{level}", text, 7)
        self.set_font("DejaVu", "", 10)

    def paragraph(self, text: str, bold: bool = False) -> None:
        self.set_font("DejaVu", "B" if bold else "", 10)
        self.block("P", text, 5.5)
        self.set_font("DejaVu", "", 10)

    @contextmanager
    def tagged(self, struct_type: str) -> Iterator[None]:
        mcid = self.struct_builder.next_mcid_for_page(self.page)
        self._add_marked_content(struct_type=f"/{struct_type}", mcid=mcid)
        self._out(f"/{struct_type} <</MCID {mcid}>> BDC")
        yield
        self._out("EMC")

    def block(self, struct_type: str, text: str, height: float) -> None:
        # A marked block may not span pages: start a new page first when it would not fit.
        needed = self.multi_cell(self.epw, height, text, dry_run=True, output="HEIGHT")
        if isinstance(needed, float | int) and self.get_y() + needed > self.page_break_trigger:
            self.add_page()
        with self.tagged(struct_type):
            self.multi_cell(self.epw, height, text, new_x="LMARGIN", new_y="NEXT")
