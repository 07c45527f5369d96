"""The printable label of a shipment (a PDF, A6 portrait): sender, recipient, carrier, service,
tracking number with its barcode, packages and contents; a cross-border shipment's customs
declaration follows on a second page (CN23-style: items, HS codes, origin, values, currency,
incoterm, estimated duties).

Addresses may be Chinese, so text is set in ``LOGISTICS_LABEL_FONT`` (a CJK font; a .ttc with
``LOGISTICS_LABEL_FONT_INDEX``); without it, DejaVu Sans, and last the PDF's own Helvetica
(with characters it cannot print replaced). Tracking numbers and codes are always printed in
Helvetica too, so the PDF carries them as plain text. Pure: reads the shipment, writes nothing.
"""

import re
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from ..models import CustomsDeclaration, Shipment

FALLBACK_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
TEXT_FONT = "label"
CODE_FONT = "helvetica"
CODE39 = re.compile(r"^[A-Z0-9 .$/+%-]{1,40}$")
PAGE = (105, 148)  # A6, millimetres
MARGIN = 6


def render_label(*, shipment: Shipment) -> bytes:
    """The label as PDF bytes (``%PDF``...)."""
    pdf = FPDF(format=PAGE)
    pdf.set_compression(False)  # a label is small; its numbers stay searchable in the file
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.set_title(_("Label %(number)s") % {"number": shipment.tracking_number})
    pdf.set_creator(settings.SITE_NAME)
    text_font = _load_font(pdf)
    _label_page(pdf, shipment, text_font)
    declaration = CustomsDeclaration.objects.filter(shipment=shipment).first()
    if declaration is not None:
        _customs_page(pdf, shipment, declaration, text_font)
    return bytes(pdf.output())


def _load_font(pdf: FPDF) -> str:
    """The family to print text in: the configured CJK font, DejaVu Sans, or Helvetica."""
    configured = settings.LOGISTICS_LABEL_FONT
    for path, index in ((configured, settings.LOGISTICS_LABEL_FONT_INDEX), (FALLBACK_FONT, 0)):
        if path and Path(path).is_file():
            face = index if str(path).lower().endswith(".ttc") else 0
            pdf.add_font(TEXT_FONT, fname=path, collection_font_number=face)
            return TEXT_FONT
    return CODE_FONT


def _text(font: str, value: str) -> str:
    """What Helvetica can print of ``value`` (a Unicode font prints all of it)."""
    if font != CODE_FONT:
        return value
    return value.encode("latin-1", "replace").decode("latin-1")


def _label_page(pdf: FPDF, shipment: Shipment, font: str) -> None:
    order = shipment.order
    address = order.group
    width = PAGE[0] - 2 * MARGIN
    pdf.add_page()
    pdf.set_font(CODE_FONT, "B", 14)
    pdf.cell(width, 7, _text(CODE_FONT, shipment.carrier.name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, size=8)
    service = shipment.get_service_display()
    eco = f" · {_('Eco packaging')}" if shipment.eco_packaging else ""
    pdf.cell(width, 4, _text(font, f"{service}{eco}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)

    pdf.set_font(font, size=7)
    pdf.cell(width, 4, _text(font, _("From")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, size=9)
    origin = " ".join(
        part
        for part in (shipment.shop.name, _ships_from_region(shipment), shipment.origin_country)
        if part
    )
    pdf.multi_cell(width, 4.5, _text(font, origin), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)

    pdf.set_font(font, size=7)
    pdf.cell(width, 4, _text(font, _("To")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, size=11)
    lines = [
        f"{address.recipient}  {address.phone}",
        address.street,
        " ".join(part for part in (address.postcode, address.city, address.region) if part),
        address.country,
    ]
    pdf.multi_cell(
        width, 5.5, _text(font, "\n".join(lines)), border=1, new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(3)

    number = shipment.tracking_number
    if CODE39.match(number):
        pdf.code39(f"*{number}*", x=MARGIN, y=pdf.get_y(), w=0.8, h=16)
        pdf.set_y(pdf.get_y() + 18)
    pdf.set_font(CODE_FONT, "B", 13)
    pdf.cell(width, 7, number, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(CODE_FONT, size=8)
    route = shipment.carrier_reference
    pdf.cell(width, 4, f"{order.number}  {route}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)

    pdf.set_font(font, size=8)
    packages = list(shipment.packages.all())
    summary = _("%(count)s package(s), %(grams)s g") % {
        "count": len(packages),
        "grams": shipment.weight_grams,
    }
    pdf.cell(width, 4, _text(font, summary), new_x="LMARGIN", new_y="NEXT")
    for item in shipment.items.select_related("line").order_by("line_id"):
        content = f"{item.quantity} x {item.line.sku} {item.line.title}"
        pdf.multi_cell(width, 4, _text(font, content), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, size=6)
    printed = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    pdf.cell(width, 4, _text(font, _("Printed %(when)s") % {"when": printed}))


def _ships_from_region(shipment: Shipment) -> str:
    settings_row = getattr(shipment.shop, "logistics", None)
    return settings_row.ships_from_region if settings_row else ""


def _customs_page(
    pdf: FPDF, shipment: Shipment, declaration: CustomsDeclaration, font: str
) -> None:
    width = PAGE[0] - 2 * MARGIN
    pdf.add_page()
    pdf.set_font(font, size=11)
    pdf.cell(width, 6, _text(font, _("Customs declaration")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(CODE_FONT, size=8)
    pdf.cell(width, 4, shipment.tracking_number, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, size=7)
    header = _("%(origin)s to %(destination)s · %(incoterm)s") % {
        "origin": shipment.origin_country,
        "destination": shipment.destination_country,
        "incoterm": declaration.get_incoterm_display(),
    }
    pdf.multi_cell(width, 4, _text(font, header), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    columns = (
        (_("Description"), 33),
        (_("HS code"), 16),
        (_("Origin"), 10),
        (_("Qty"), 8),
        (_("Value"), 13),
        (_("Weight (g)"), 13),
    )
    pdf.set_font(font, size=6)
    for title, column in columns:
        pdf.cell(column, 5, _text(font, title), border=1)
    pdf.ln()
    currency = declaration.currency
    for item in declaration.items.all():
        values = (
            item.description[:28],
            item.hs_code,
            item.origin_country,
            str(item.quantity),
            f"{item.unit_value * item.quantity:.2f}",
            str(item.weight_grams),
        )
        for (_title, column), value in zip(columns, values, strict=True):
            pdf.cell(column, 5, _text(font, value), border=1)
        pdf.ln()
    pdf.ln(2)
    pdf.set_font(font, size=8)
    totals = [
        _("Total declared value: %(amount)s %(currency)s")
        % {"amount": f"{declaration.total_value:.2f}", "currency": currency},
        _("Estimated duties and taxes: %(amount)s %(currency)s")
        % {"amount": f"{declaration.estimated_duties:.2f}", "currency": currency},
    ]
    if declaration.estimated_duties == Decimal("0"):
        totals.append(_("Below the destination's duty-free threshold, or no duty known."))
    pdf.multi_cell(width, 4.5, _text(font, "\n".join(totals)), new_x="LMARGIN", new_y="NEXT")
