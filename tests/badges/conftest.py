"""Reading badge PDFs back: pages as images (pdftoppm), QR codes (zxing-cpp), text (pdftotext).

pdftoppm and pdftotext come from Debian's poppler-utils; without them these tests skip.
"""
import itertools
import re
import shutil
import subprocess
from dataclasses import dataclass
from html import unescape

import pytest
import zxingcpp
from PIL import Image

from fis_events.events.services import find_or_create_organisation
from fis_events.programme.models import OrganisationKind
from fis_events.registration import services
from fis_events.registration.models import AttendanceMode
from support import rome

DPI = 150
POPPLER_MISSING = "pdftoppm/pdftotext missing: install Debian's poppler-utils to read badge PDFs back"


def _poppler(tool):
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
        subprocess.run([_poppler("pdftoppm"), "-r", str(DPI), "-png", str(path), str(prefix)],
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
        return subprocess.run([_poppler("pdftotext"), *pages, "-enc", "UTF-8", str(path), "-"],
                              check=True, capture_output=True, text=True).stdout

    def words(self, data):
        """Per page, every word with its box (pdftotext -bbox)."""
        path = self._write(data)
        html = subprocess.run([_poppler("pdftotext"), "-bbox", "-enc", "UTF-8", str(path), "-"],
                              check=True, capture_output=True, text=True).stdout
        pages = []
        for page in re.findall(r"<page[^>]*>(.*?)</page>", html, re.DOTALL):
            pages.append([Word(unescape(text), float(x0), float(y0), float(x1), float(y1))
                          for x0, y0, x1, y1, text in re.findall(
                              r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                              r'yMax="([\d.]+)">(.*?)</word>', page)])
        return pages


@pytest.fixture
def pdf_reader(tmp_path):
    _poppler("pdftoppm")
    _poppler("pdftotext")
    return PdfReader(tmp_path)


@pytest.fixture
def badge_event(open_event):
    """Tuesday 24 October 2023, 15.00-18.00 in Rome (organisers register people directly)."""
    return open_event(title="Il Programma FIS e l'accompagnamento ai Comuni",
                      starts_at=rome(2023, 10, 24, 15), ends_at=rome(2023, 10, 24, 18))


@pytest.fixture
def enrol():
    """Register someone to an event as an organiser would (whatever the window)."""
    numbers = itertools.count(1)

    def enrol(event, first_name, last_name, mode=AttendanceMode.IN_PERSON, organisation=None,
              role=None, email=None):
        org = find_or_create_organisation(organisation, OrganisationKind.ALTRO) if organisation else None
        email = email or f"persona{next(numbers)}@example.org"
        registration, _outcome = services.register(
            event, email=email, first_name=first_name, last_name=last_name, mode=mode,
            organisation=org, role=role, source="organiser")
        return registration

    return enrol
