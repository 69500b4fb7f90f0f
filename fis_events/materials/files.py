"""What an uploaded file is, told by its content (never by its name): PDF, presentations,
documents, spreadsheets, images. Anything else, however it is named, is refused."""
import io
import zipfile

#: Office Open XML and OpenDocument files are ZIP archives; their parts tell which one
OOXML = {"ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
         "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
         "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")}
ODF = {"application/vnd.oasis.opendocument.presentation": "odp",
       "application/vnd.oasis.opendocument.text": "odt",
       "application/vnd.oasis.opendocument.spreadsheet": "ods"}
#: the old binary Office formats share one signature; their name says which, among these only
OLE = {"ppt": "application/vnd.ms-powerpoint", "doc": "application/msword",
       "xls": "application/vnd.ms-excel"}
SIGNATURES = [(b"%PDF-", ("application/pdf", "pdf")), (b"\x89PNG\r\n\x1a\n", ("image/png", "png")),
              (b"\xff\xd8\xff", ("image/jpeg", "jpg"))]


def detect(data, filename=""):
    """(content type, extension) of the file, or None when it is none of the accepted kinds."""
    for signature, found in SIGNATURES:
        if data.startswith(signature):
            return found
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", "webp"
    if data.startswith(b"PK\x03\x04"):
        return _archive(data)
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        return (OLE[extension], extension) if extension in OLE else None
    return None


def _archive(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                kind = archive.read("mimetype").decode("ascii", "replace").strip()
                return (kind, ODF[kind]) if kind in ODF else None
            if "[Content_Types].xml" in names:
                for prefix, found in OOXML.items():
                    if any(name.startswith(prefix) for name in names):
                        return found
    except (zipfile.BadZipFile, KeyError, ValueError):
        return None
    return None
