"""The family's summary as a PDF to keep or print: "Our progress", large type, nothing clinical.

It prints the last published snapshot (the words of planner.family.family_page, in the same order
as the screen), with the 0-10 scale drawn as a simple line chart. No "confidential" or clinical
header, and nothing in the document or its metadata names the service or the reason for it: a page
left on a kitchen table says only what the family's own summary says.
"""

from __future__ import annotations

from datetime import date

from fpdf.enums import XPos, YPos
from sqlmodel import Session

from planner import audit
from planner.access import Action, Principal
from planner.family import FamilySummary, family_page, latest_published
from planner.guard import NotFound, check
from planner.reports.pdf import FONT, ReportPDF, printable

PDF_FILE_NAME = "our-progress.pdf"
TEXT_SIZE = 15  # points: large type
HEADING_SIZE = 19
TITLE_SIZE = 28
CHART_HEIGHT = 62.0


def _text(pdf: ReportPDF, text: str, *, size: int = TEXT_SIZE, colour: tuple[int, int, int] = (0, 0, 0)) -> None:
    """A left-aligned paragraph (justified large type leaves gaps that are hard to read)."""
    pdf.set_font(FONT, "", size)
    pdf.set_text_color(*colour)
    pdf.multi_cell(0, size * 0.5, printable(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(1)


def _bullets(pdf: ReportPDF, items: tuple[str, ...], empty: str) -> None:
    """One bullet per line, wrapped lines indented under the text, not under the bullet."""
    if not items:
        _text(pdf, empty)
        return
    pdf.set_font(FONT, "", TEXT_SIZE)
    indent = 7.0
    for item in items:
        y = pdf.get_y()
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(indent, TEXT_SIZE * 0.5, "•")
        pdf.set_xy(pdf.l_margin + indent, y)
        pdf.multi_cell(pdf.epw - indent, TEXT_SIZE * 0.5, printable(item), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(0.8)
    pdf.ln(1)


def _chart(pdf: ReportPDF, scale: tuple[tuple[int, int], ...]) -> None:
    """The 0-10 scale over the weeks: a line with a dot per week, gridlines at 0, 5 and 10."""
    height, left_pad = CHART_HEIGHT, 12.0
    x0, y0 = pdf.l_margin + left_pad, pdf.get_y() + 4
    width = pdf.epw - left_pad
    weeks = [w for w, _ in scale]
    first, last = min(weeks), max(weeks)

    def x(week: int) -> float:
        return x0 + (width * (week - first) / (last - first) if last > first else width / 2)

    def y(value: int) -> float:
        return y0 + height * (1 - value / 10)

    pdf.set_font(FONT, "", 11)
    pdf.set_draw_color(190, 190, 190)
    pdf.set_line_width(0.3)
    for value in (0, 5, 10):
        pdf.line(x0, y(value), x0 + width, y(value))
        pdf.set_xy(pdf.l_margin, y(value) - 2.5)
        pdf.cell(left_pad - 2, 5, str(value), align="R")
    pdf.set_draw_color(0, 114, 178)  # Okabe-Ito blue
    pdf.set_fill_color(0, 114, 178)
    pdf.set_line_width(1.0)
    points = [(x(w), y(v)) for w, v in scale]
    for (xa, ya), (xb, yb) in zip(points, points[1:]):
        pdf.line(xa, ya, xb, yb)
    for px, py in points:
        pdf.ellipse(px - 1.3, py - 1.3, 2.6, 2.6, style="F")
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.2)
    pdf.set_xy(x0, y0 + height + 2)
    pdf.cell(width / 2, 6, f"Week {first}", align="L")
    pdf.cell(width / 2, 6, f"Week {last}", align="R")
    pdf.set_xy(pdf.l_margin, y0 + height + 10)


def render_family_pdf(summary: FamilySummary, *, shared_on: date) -> bytes:
    page = family_page(summary, shared_on=shared_on)
    pdf = ReportPDF(page.title, footer_note=page.title)
    pdf.set_creator(page.title)
    pdf.heading(page.title, size=TITLE_SIZE)
    _text(pdf, page.subtitle, size=TEXT_SIZE - 2, colour=(60, 60, 60))
    if page.message:
        pdf.ln(2)
        pdf.heading(page.message_heading, size=HEADING_SIZE)
        _text(pdf, page.message)
    pdf.ln(2)
    for label, value in page.metrics:
        _text(pdf, f"{label}: {value}")
    for section in page.sections:
        pdf.ln(3)
        pdf.heading(section.heading, size=HEADING_SIZE)
        _text(pdf, section.intro)
        _bullets(pdf, section.items, section.empty)
    pdf.ln(3)
    if page.scale and pdf.get_y() + CHART_HEIGHT + 50 > pdf.page_break_trigger:
        pdf.add_page()  # keep the heading, its words and the chart together
    pdf.heading(page.scale_heading, size=HEADING_SIZE)
    _text(pdf, " ".join(page.scale_lines))
    if page.scale:
        _chart(pdf, page.scale)
    pdf.ln(3)
    pdf.heading(page.next_heading, size=HEADING_SIZE)
    _text(pdf, " ".join(page.next_lines))
    _text(pdf, page.closing)
    return pdf.to_bytes()


def family_summary_pdf(session: Session, user: Principal | None, case_id: int) -> bytes:
    """The last published family summary as a PDF (audited "export"); NotFound before the first."""
    check(session, user, Action.VIEW_FAMILY_SUMMARY, case_id)
    published = latest_published(session, case_id)
    if published is None:
        raise NotFound("Nothing has been shared yet.")
    data = render_family_pdf(published.summary, shared_on=published.shared_on)
    audit.record(session, actor=user, action="export", object_type="family_summary", case_id=case_id)
    return data
