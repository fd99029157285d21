"""A3: the certificate of a new holder, as a PDF with its Chinese text embedded.

ReportLab draws each certificate on a landscape A4 page and embeds the
glyphs it uses from WenQuanYi Micro Hei (Debian's fonts-wqy-microhei,
installed by scripts/setup.sh), so the PDF reads the same on any viewer,
with or without Chinese fonts. STARDESK_CERTIFICATE_FONT names another
TrueType file (.ttf/.ttc) if a hotline prefers one. The PDF is produced on
request from the Award rows: nothing is stored but the certificate number.
"""
import io
from pathlib import Path

from django.utils.translation import gettext as _

from stardesk import environment
from stardesk.core.errors import DomainError
from stardesk.cycle.models import Award

DEFAULT_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
FONT_NAME = "StarDeskCJK"
GOLD = (0.72, 0.53, 0.04)
RED = (0.66, 0.07, 0.07)
INK = (0.13, 0.13, 0.13)


def font_path() -> Path:
    return Path(environment.text("STARDESK_CERTIFICATE_FONT", DEFAULT_FONT))


def register_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    if FONT_NAME in pdfmetrics.getRegisteredFontNames():
        return FONT_NAME
    path = font_path()
    if not path.is_file():
        raise DomainError("certificate_font_missing", _("未找到证书所用的中文字体 %(path)s，请安装 fonts-wqy-microhei（bash scripts/setup.sh）。") % {
            "path": path})
    try:
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=0))
    except TTFError as exc:
        raise DomainError("certificate_font_missing", _("证书字体 %(path)s 无法使用。") % {"path": path}) from exc
    return FONT_NAME


def chinese_date(day) -> str:
    return _("%(y)s年%(m)s月%(d)s日") % {"y": day.year, "m": day.month, "d": day.day}


def _centred(canvas, text: str, y: float, size: float, colour=INK, font: str = FONT_NAME) -> None:
    from reportlab.lib.pagesizes import A4, landscape

    width, _height = landscape(A4)
    canvas.setFillColorRGB(*colour)
    canvas.setFont(font, size)
    canvas.drawCentredString(width / 2, y, text)


def _draw(canvas, award: Award) -> None:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm

    width, height = landscape(A4)
    person, cycle = award.person, award.cycle
    # Double frame.
    canvas.setStrokeColorRGB(*GOLD)
    canvas.setLineWidth(4)
    canvas.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    canvas.setLineWidth(1)
    canvas.rect(17 * mm, 17 * mm, width - 34 * mm, height - 34 * mm)

    _centred(canvas, _("星级服务证书"), height - 52 * mm, 40, RED)
    _centred(canvas, "★" * award.level + "☆" * (3 - award.level), height - 72 * mm, 30, GOLD)
    canvas.setFillColorRGB(*INK)
    canvas.setFont(FONT_NAME, 18)
    left = 40 * mm
    canvas.drawString(left, height - 96 * mm, _("%(name)s 同志（工号 %(no)s）：") % {"name": person.name, "no": person.staff_no})
    lines = (
        _("在%(hotline)s %(year)s 年度星级客服评定中，经星级评定委员会评定，") % {"hotline": cycle.hotline.name, "year": cycle.year},
        _("授予“%(job)s%(level)s星”称号，自 %(day)s 起挂牌上岗。") % {
            "job": award.job_type, "level": award.level, "day": chinese_date(award.award_date)},
        _("特发此证，以资鼓励。"),
    )
    for n, line in enumerate(lines):
        canvas.drawString(left + 12 * mm, height - (110 + n * 12) * mm, line)
    canvas.setFont(FONT_NAME, 16)
    signature_x = width - 40 * mm
    company = cycle.hotline.company or cycle.hotline.name
    canvas.drawRightString(signature_x, 48 * mm, _("%(company)s 星级评定委员会") % {"company": company})
    canvas.drawRightString(signature_x, 38 * mm, chinese_date(award.award_date))
    canvas.setFont(FONT_NAME, 10)
    canvas.setFillColorRGB(0.4, 0.4, 0.4)
    canvas.drawString(24 * mm, 22 * mm, _("证书编号：%(no)s") % {"no": award.certificate_no})


def certificates_pdf(awards: list[Award]) -> bytes:
    """A3: one landscape page per award, in the order given."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen import canvas as pdf_canvas

    register_font()
    buffer = io.BytesIO()
    canvas = pdf_canvas.Canvas(buffer, pagesize=landscape(A4), pageCompression=1)
    canvas.setTitle(_("星级服务证书"))
    canvas.setAuthor("StarDesk 星级客服评定系统")
    for award in awards:
        _draw(canvas, award)
        canvas.showPage()
    if not awards:
        _centred(canvas, _("本年度没有授牌记录"), 300, 18)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def file_name(award: Award) -> str:
    return _("星级证书_%(no)s_%(name)s.pdf") % {"no": award.certificate_no, "name": award.person.name}
