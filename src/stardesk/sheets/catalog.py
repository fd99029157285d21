"""Every sheet the product imports, by its kind (the name used in URLs and commands).

A new import is declared in its own module (a SheetSpec) and added here.
"""
from stardesk.core.errors import NotFound
from stardesk.cycle import application_sheet
from stardesk.exams import question_sheet, result_sheets
from stardesk.payouts import event_sheet, monitoring_sheet, monthly_sheet
from stardesk.sheets import roster, title_history
from stardesk.sheets.specs import SheetSpec

SHEETS: dict[str, SheetSpec] = {spec.kind: spec for spec in (roster.SPEC, title_history.SPEC, monthly_sheet.SPEC, monitoring_sheet.SPEC, event_sheet.SPEC, application_sheet.SPEC, question_sheet.SPEC, result_sheets.SPEC)}


def sheet(kind: str) -> SheetSpec:
    try:
        return SHEETS[kind]
    except KeyError:
        raise NotFound() from None
