"""A vector figure (a one-page PDF drawn by a view's print path) placed in the packet as a PDF
Form XObject: the page's content stream and resources are copied object by object into the
packet, so its lines, axes and text stay vector and its images keep their own encoding (no
re-encoding, no rasterising). The same figure placed twice is stored once.
"""
from __future__ import annotations

import hashlib
import io
import weakref
from typing import Any

from pypdf import PageObject, PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, PdfObject, StreamObject
from reportlab.pdfbase import pdfdoc
from reportlab.platypus import Flowable


def _token(obj: PdfObject) -> bytes:
    """A leaf object (name, number, string, boolean, null) in PDF syntax."""
    out = io.BytesIO()
    obj.write_to_stream(out)
    return out.getvalue()


class _Copier:
    """Copies pypdf objects into a ReportLab document; each indirect object once (cycles allowed)."""

    def __init__(self, document: Any) -> None:
        self.document = document
        self.copied: dict[int, Any] = {}

    def copy(self, obj: Any) -> Any:
        if isinstance(obj, IndirectObject):
            if obj.idnum not in self.copied:
                target = obj.get_object()
                shell = self._shell(target)
                self.copied[obj.idnum] = self.document.Reference(shell)   # before its contents: cycles end here
                self._fill(shell, target)
            return self.copied[obj.idnum]
        if isinstance(obj, (DictionaryObject, ArrayObject)):
            shell = self._shell(obj)
            self._fill(shell, obj)
            return shell
        return _token(obj)

    @staticmethod
    def _shell(obj: Any) -> Any:
        if isinstance(obj, StreamObject):
            return pdfdoc.PDFStream(pdfdoc.PDFDictionary({}), b"", filters=None)
        if isinstance(obj, DictionaryObject):
            return pdfdoc.PDFDictionary({})
        if isinstance(obj, ArrayObject):
            return pdfdoc.PDFArray([])
        return _token(obj)

    def _fill(self, shell: Any, obj: Any) -> None:
        if isinstance(obj, StreamObject):
            shell.dictionary.dict.update({k[1:]: self.copy(v) for k, v in obj.items() if k != "/Length"})
            if "/Filter" in obj:     # kept encoded as it came (Flate, DCT …): no re-encoding
                shell.content = StreamObject.get_data(obj)
            else:
                shell.content, shell.filters = obj.get_data(), [pdfdoc.PDFZCompress]
        elif isinstance(obj, DictionaryObject):
            shell.dict.update({k[1:]: self.copy(v) for k, v in obj.items()})
        elif isinstance(obj, ArrayObject):
            shell.sequence.extend(self.copy(v) for v in obj)


#: per document, the form name of each figure placed (by the figure's digest)
_FORMS: "weakref.WeakKeyDictionary[Any, dict[bytes, str]]" = weakref.WeakKeyDictionary()


def add_form(document: Any, pdf: bytes, page: PageObject) -> str:
    """Register ``page``, the first page of ``pdf``, as a Form XObject of ``document`` (once); its name.
    Names count the figures in the order they are placed: a drawing's own bytes carry the
    time it was drawn, so they cannot name it in a document that must repeat byte for byte."""
    forms = _FORMS.setdefault(document, {})
    digest = hashlib.sha256(pdf).digest()
    if digest in forms:
        return forms[digest]
    name = forms[digest] = f"fig{len(forms) + 1}"
    contents = page.get_contents()
    box = [float(v) for v in page.mediabox]
    form = pdfdoc.PDFStream(pdfdoc.PDFDictionary({
        "Type": pdfdoc.PDFName("XObject"), "Subtype": pdfdoc.PDFName("Form"), "FormType": 1,
        "BBox": pdfdoc.PDFArray(box), "Resources": _Copier(document).copy(page.get("/Resources", DictionaryObject())),
    }), contents.get_data() if contents is not None else b"", filters=[pdfdoc.PDFZCompress])
    document.Reference(form, document.getXObjectName(name))
    return name


class VectorDrawing(Flowable):
    """A vector figure scaled to fit ``max_width`` x ``max_height``; registered in the document
    when first drawn."""

    def __init__(self, pdf: bytes, max_width: float, max_height: float) -> None:
        super().__init__()
        self.pdf = pdf
        self.page = PdfReader(io.BytesIO(pdf)).pages[0]
        box = self.page.mediabox
        self.scale = min(max_width / float(box.width), max_height / float(box.height))
        self.width, self.height = float(box.width) * self.scale, float(box.height) * self.scale
        self.hAlign = "LEFT"

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        name = add_form(canvas._doc, self.pdf, self.page)
        canvas.saveState()
        canvas.scale(self.scale, self.scale)
        canvas.doForm(name)
        canvas.restoreState()
