"""Text of a judgment uploaded as PDF, with pypdf.

pypdf rather than pdfplumber: the reader needs the text in reading order, not the position of
every character or table cells; pypdf is pure Python with no dependencies (pdfplumber brings
pdfminer.six, Pillow and pypdfium2), is actively maintained, and reads the text layer of the
PDFs courts publish and of those a word processor prints. A scanned PDF (images only) has no
text layer: the officer is asked to paste the text instead (no OCR here).
"""
from __future__ import annotations

import io

MAX_PAGES = 200


class PdfProblem(ValueError):
    """The PDF gives no usable text; ``str(exc)`` is the Vietnamese message."""


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not content.startswith(b"%PDF"):
        raise PdfProblem("Tệp tải lên không phải PDF.")
    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            raise PdfProblem("Tệp PDF có mật khẩu; hãy tải bản không khóa hoặc dán văn bản.")
        pages = reader.pages
        if len(pages) > MAX_PAGES:
            raise PdfProblem(f"Tệp PDF có quá {MAX_PAGES} trang.")
        text = "\n".join((page.extract_text() or "") for page in pages)
    except PdfProblem:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise PdfProblem(f"Không đọc được tệp PDF ({type(exc).__name__}).") from None
    text = unwrap(text)
    if len(text.strip()) < 40:
        raise PdfProblem("Tệp PDF không có lớp chữ (có thể là bản quét); hãy dán văn bản bản án vào ô bên dưới.")
    return text


def unwrap(text: str) -> str:
    """Join the lines a PDF wrapped inside a sentence ("… xã Hương Nộn,⏎huyện Tam Nông …"): a line
    that does not end a sentence or a heading, followed by one that starts in lower case."""
    lines = text.splitlines()
    out: list[str] = []
    for line in lines:
        if out and out[-1].rstrip() and not out[-1].rstrip().endswith((".", ";", ":", "!", "?")) \
                and line[:1].islower():
            out[-1] = out[-1].rstrip() + " " + line.lstrip()
        else:
            out.append(line)
    return "\n".join(out)
