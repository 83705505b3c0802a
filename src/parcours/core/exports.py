"""Exports to spreadsheets: every text cell of every export (Excel and CSV) goes through safe_cell.
A control character that a workbook cannot hold (openpyxl refuses them) is dropped — a vertical tab
or a form feed (a break pasted from a word processor) becomes a line break —, and a value that a
spreadsheet would run as a formula (starting with =, +, -, @, a tab or a carriage return) is written
as text."""

import csv
import io
import re

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
# the characters an XML 1.0 document — an .xlsx sheet — cannot hold: the C0 controls except tab, line
# feed and carriage return (openpyxl's ILLEGAL_CHARACTERS_RE)
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0e-\x1f]")
BREAKS = re.compile(r"[\x0b\x0c]")


def safe_cell(value):
    if isinstance(value, str):
        value = CONTROL_CHARACTERS.sub("", BREAKS.sub("\n", value))
        if value.startswith(DANGEROUS):
            return "'" + value
    return value


def csv_bytes(header: list[str], rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
