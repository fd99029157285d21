"""Plain-text tables for the command line, aligned for Chinese (a CJK character is two columns wide)."""
import unicodedata


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def render(headers: list[str], rows: list[list]) -> str:
    cells = [[str(value) if value is not None else "—" for value in row] for row in rows]
    widths = [display_width(header) for header in headers]
    for row in cells:
        for index, value in enumerate(row[:-1]):
            widths[index] = max(widths[index], display_width(value))
    lines = []
    for row in [headers, *cells]:
        # The last column (the reason) is not padded: it may be long.
        lines.append("  ".join([_pad(value, widths[index]) for index, value in enumerate(row[:-1])] + [row[-1]]))
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)
