"""One look for rione's PDF documents, drawn with fpdf2.

A ``Document`` embeds the DejaVu Sans font shipped in ``core/fonts`` (so any European
name prints, not only Latin-1), puts the city and the title at the top of every page and
"n / N" with an optional note at the bottom, and offers a few helpers: ``heading``,
``field`` (label and value side by side), ``long_field`` (label above a long text),
``paragraph`` and ``simple_table``. ``render()`` returns the PDF as bytes.

Every text goes through ``printable`` first: control characters and lone surrogates
are dropped, so user input never crashes a document; characters the font lacks are
left out by fpdf2.
"""

import unicodedata
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils.translation import get_language
from fpdf import FPDF, FontFace, ViewerPreferences
from fpdf.enums import TableBordersLayout, XPos, YPos

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSans"
MARGIN = 18.0  # mm, left and right
TOP = 30.0  # mm, where the body starts below the header
BOTTOM = 20.0  # mm, kept free for the footer
LINE = 5.0  # mm, line height of body text
LABEL_WIDTH = 55.0  # mm, label column of ``field``
BODY_SIZE = 10.0
NOTE_SIZE = 7.0
GREY = (90, 90, 90)
BLACK = (0, 0, 0)
RULE = (190, 190, 190)
HEADINGS_FILL = (235, 237, 240)

_DROPPED = frozenset({"Cc", "Cs", "Cf", "Co", "Cn"})
_NEWLINES = str.maketrans({"\r": "\n", "\u2028": "\n", "\u2029": "\n", "\t": "    "})


def printable(text: object) -> str:
    """``text`` as something fpdf2 can always draw: newlines kept, other control characters dropped."""
    value = str(text).replace("\r\n", "\n").translate(_NEWLINES)
    return "".join(ch for ch in value if ch == "\n" or unicodedata.category(ch) not in _DROPPED)


def document_language(language: str | None = None) -> str:
    """The primary subtag of ``language`` or of the active language: "it", "en"."""
    code = language or get_language() or settings.LANGUAGE_CODE
    return code.split("-")[0].lower()


class Document(FPDF):
    """An A4 document of a city: header with city and title, footer with note and page number."""

    def __init__(
        self,
        *,
        title: str,
        city: str,
        footer_note: str = "",
        language: str | None = None,
        created_at: datetime | None = None,
    ) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.document_title = printable(title)
        self.city_name = printable(city)
        self.footer_note = printable(footer_note)
        self.add_font(FONT, "", FONT_DIR / "DejaVuSans.ttf")
        self.add_font(FONT, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
        self.set_title(self.document_title)
        self.set_author(self.city_name)
        self.set_creator("rione")
        self.set_lang(document_language(language))
        if created_at is not None:
            self.set_creation_date(created_at)
        self.viewer_preferences = ViewerPreferences(display_doc_title=True)
        self.set_margins(MARGIN, TOP, MARGIN)
        self.set_auto_page_break(True, margin=BOTTOM)
        self.alias_nb_pages()
        self.add_page()

    # Page furniture -------------------------------------------------------------

    def header(self) -> None:
        self.set_xy(MARGIN, 10)
        self.set_text_color(*GREY)
        self.set_font(FONT, "", 8)
        self.cell(0, 4, self.fit(self.city_name, self.epw), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*BLACK)
        self.set_font(FONT, "B", 11)
        self.cell(
            0, 6, self.fit(self.document_title, self.epw), new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self.set_draw_color(*RULE)
        self.line(MARGIN, 22, self.w - MARGIN, 22)
        self.set_draw_color(*BLACK)
        self.set_xy(MARGIN, TOP)
        self.set_font(FONT, "", BODY_SIZE)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_draw_color(*RULE)
        self.line(MARGIN, self.get_y(), self.w - MARGIN, self.get_y())
        self.set_draw_color(*BLACK)
        self.set_y(-12)
        self.set_text_color(*GREY)
        self.set_font(FONT, "", NOTE_SIZE)
        page_width = 22.0
        note_width = self.epw - page_width
        self.cell(note_width, 4, self.fit(self.footer_note, note_width), new_x=XPos.RIGHT)
        self.cell(page_width, 4, f"{self.page_no()} / {self.str_alias_nb_pages}", align="R")
        self.set_text_color(*BLACK)

    def fit(self, text: str, width: float) -> str:
        """``text`` cut with an ellipsis to fit ``width`` on one line in the current font."""
        if self.get_string_width(text) <= width:
            return text
        while text and self.get_string_width(text + "…") > width:
            text = text[:-1]
        return text.rstrip() + "…"

    def ensure_space(self, height: float) -> None:
        """Start a new page unless ``height`` mm are left above the bottom margin."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    # Content helpers --------------------------------------------------------------

    def heading(self, text: str, *, level: int = 0) -> None:
        """A section title (level 0) or sub-title (level 1), also listed in the PDF outline."""
        size = 13.0 if level == 0 else 11.0
        self.ensure_space(4 * LINE)
        self.ln(3 if level == 0 else 1)
        self.start_section(printable(text), level=level, strict=False)
        self.set_font(FONT, "B", size)
        self.multi_cell(
            0, size * 0.55, printable(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self.ln(1.5)
        self.set_font(FONT, "", BODY_SIZE)

    def field(self, label: str, value: object) -> None:
        """A row: the label on the left, the value (wrapped) on the right."""
        self.ensure_space(2 * LINE)
        top, page = self.get_y(), self.page
        self.set_font(FONT, "B", 9)
        self.multi_cell(
            LABEL_WIDTH, LINE, printable(label), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        label_bottom = self.get_y()
        if self.page == page:  # else a very long label broke the page: the value follows it
            self.set_xy(self.l_margin + LABEL_WIDTH, top)
        self.set_font(FONT, "", BODY_SIZE)
        self.multi_cell(
            0, LINE, printable(value) or "—", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        if self.page == page:
            self.set_y(max(self.get_y(), label_bottom))
        self.ln(0.8)

    def long_field(self, label: str, text: object, *, size: float = BODY_SIZE) -> None:
        """The label on its own line, then the text on the whole width (long texts, hashes)."""
        self.ensure_space(3 * LINE)
        self.set_font(FONT, "B", 9)
        self.multi_cell(0, LINE, printable(label), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.paragraph(text, size=size)

    def paragraph(self, text: object, *, size: float = BODY_SIZE, bold: bool = False) -> None:
        """Text on the whole width, wrapped and broken across pages as needed."""
        self.set_font(FONT, "B" if bold else "", size)
        self.multi_cell(
            0, size * 0.5, printable(text) or "—", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self.set_font(FONT, "", BODY_SIZE)
        self.ln(1.5)

    def simple_table(
        self,
        headings: Sequence[str],
        rows: Sequence[Sequence[object]],
        *,
        widths: Sequence[float] | None = None,
        align: Sequence[str] | None = None,
    ) -> None:
        """A table with bold headings repeated on each page; ``widths`` are relative."""
        self.ensure_space(3 * LINE)
        self.set_font(FONT, "", 9)
        self.set_draw_color(*RULE)
        with self.table(
            col_widths=tuple(widths) if widths else None,
            text_align=tuple(align) if align else "LEFT",
            borders_layout=TableBordersLayout.HORIZONTAL_LINES,
            headings_style=FontFace(emphasis="BOLD", fill_color=HEADINGS_FILL),
            line_height=4.5,
            padding=1.2,
            repeat_headings=1,
        ) as table:
            heading_row = table.row()
            for heading in headings:
                heading_row.cell(printable(heading))
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(printable(value) or "—")
        self.set_draw_color(*BLACK)
        self.set_font(FONT, "", BODY_SIZE)
        self.ln(2)

    def render(self) -> bytes:
        """The finished PDF."""
        return bytes(self.output())
