"""The PDF base every report uses: an embedded Unicode font, plain text only, A4, page numbers.

User text is written with fpdf2's plain-text calls (markdown off), so nothing typed into the app is
ever interpreted as markup in a printed document. The font ships in data/fonts (DejaVu, free
licence): the PDF renders the same on any machine, offline.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from planner.settings import ROOT

FONT_DIR = ROOT / "data" / "fonts"
FONT = "DejaVu"


def printable(text: object) -> str:
    """Drop control and format characters (bidi overrides, NUL...) that a PDF cannot show honestly."""
    return "".join(
        ch if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn") else " "
        for ch in str(text)
    )


class ReportPDF(FPDF):
    def __init__(self, title: str, *, footer_note: str = ""):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_title(printable(title))
        self.set_creator("MST-PSB Planner")
        self.footer_note = footer_note
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 16, 18)
        self.add_page()

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FONT, "", 8)
        self.set_text_color(90, 90, 90)
        note = f"{self.footer_note} · " if self.footer_note else ""
        self.cell(0, 6, f"{note}page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0, 0, 0)

    def heading(self, text: str, *, size: int = 16) -> None:
        self.set_font(FONT, "B", size)
        self.multi_cell(0, size * 0.5, printable(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1.5)

    def subheading(self, text: str) -> None:
        self.ln(2)
        self.heading(text, size=12)

    def paragraph(self, text: str, *, size: int = 10, colour: tuple[int, int, int] = (0, 0, 0)) -> None:
        self.set_font(FONT, "", size)
        self.set_text_color(*colour)
        self.multi_cell(0, size * 0.5, printable(text) or "—", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)
        self.ln(1)

    def bullets(self, items: Sequence[str], *, size: int = 10, empty: str = "None recorded.") -> None:
        if not items:
            self.paragraph(empty, size=size)
            return
        self.set_font(FONT, "", size)
        for item in items:
            self.multi_cell(0, size * 0.5, "•  " + printable(item), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def table(self, header: Sequence[str], rows: Sequence[Sequence[object]], *, widths: Sequence[int] | None = None, size: int = 9) -> None:
        if not rows:
            self.paragraph("None recorded.", size=size)
            return
        self.set_font(FONT, "", size)
        with super().table(
            col_widths=widths, text_align="LEFT", line_height=size * 0.55, headings_style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235))
        ) as grid:
            heading = grid.row()
            for cell in header:
                heading.cell(printable(cell))
            for values in rows:
                row = grid.row()
                for value in values:
                    row.cell(printable("—" if value is None else value))
        self.ln(2)

    def to_bytes(self) -> bytes:
        return bytes(self.output())
