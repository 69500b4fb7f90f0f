"""Reading generated PDFs back (badges, certificates): pages as images (pdftoppm), QR codes
(zxing-cpp), text (pdftotext). The `pdf_reader` fixture (conftest.py) hands out a reader.

pdftoppm and pdftotext come from Debian's poppler-utils; without them these tests skip.
"""
import re
import shutil
import subprocess
from dataclasses import dataclass
from html import unescape

import pytest
import zxingcpp
from PIL import Image

DPI = 150
POPPLER_MISSING = "pdftoppm/pdftotext missing: install Debian's poppler-utils to read PDFs back"


def poppler(tool):
    path = shutil.which(tool)
    if path is None:
        pytest.skip(POPPLER_MISSING)
    return path


@dataclass
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float  # points, from the page's top-left corner, as pdftotext gives them


@dataclass
class Code:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float  # points, from the page's top-left corner


class PdfReader:
    """What a person (and the door scanner) would read on the printed pages."""

    def __init__(self, tmp_path):
        self.tmp_path = tmp_path

    def _write(self, data):
        assert data.startswith(b"%PDF-"), data[:20]
        path = self.tmp_path / f"doc-{len(list(self.tmp_path.glob('doc-*.pdf')))}.pdf"
        path.write_bytes(data)
        return path

    def pages(self, data):
        """The pages as PIL images at DPI."""
        path = self._write(data)
        prefix = self.tmp_path / path.stem
        subprocess.run([poppler("pdftoppm"), "-r", str(DPI), "-png", str(path), str(prefix)],
                       check=True, capture_output=True)
        images = []
        for png in sorted(self.tmp_path.glob(f"{path.stem}-*.png"),
                          key=lambda p: int(p.stem.rsplit("-", 1)[1])):
            with Image.open(png) as image:
                images.append(image.convert("RGB"))
        return images

    def codes(self, data):
        """Per page, the QR codes found on it with their boxes in points."""
        result = []
        for image in self.pages(data):
            found = []
            for barcode in zxingcpp.read_barcodes(image):
                corners = [barcode.position.top_left, barcode.position.top_right,
                           barcode.position.bottom_left, barcode.position.bottom_right]
                xs, ys = [c.x * 72 / DPI for c in corners], [c.y * 72 / DPI for c in corners]
                found.append(Code(barcode.text, min(xs), min(ys), max(xs), max(ys)))
            result.append(found)
        return result

    def text(self, data, page=None):
        path = self._write(data)
        pages = ["-f", str(page), "-l", str(page)] if page else []
        return subprocess.run([poppler("pdftotext"), *pages, "-enc", "UTF-8", str(path), "-"],
                              check=True, capture_output=True, text=True).stdout

    def words(self, data):
        """Per page, every word with its box (pdftotext -bbox)."""
        path = self._write(data)
        html = subprocess.run([poppler("pdftotext"), "-bbox", "-enc", "UTF-8", str(path), "-"],
                              check=True, capture_output=True, text=True).stdout
        pages = []
        for page in re.findall(r"<page[^>]*>(.*?)</page>", html, re.DOTALL):
            pages.append([Word(unescape(text), float(x0), float(y0), float(x1), float(y1))
                          for x0, y0, x1, y1, text in re.findall(
                              r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                              r'yMax="([\d.]+)">(.*?)</word>', page)])
        return pages
