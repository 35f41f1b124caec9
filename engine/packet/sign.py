"""Digital signature of a case packet (PAdES, pyHanko) and its check (``verify --packet``).

The signature is an incremental update: a signed packet is the unsigned packet's bytes plus
the signature, so the unsigned export stays byte-identical and the signature covers every
byte before it. The key and certificate come from the investigator's PKCS#12 file; a missing
file, a wrong passphrase or a certificate outside its validity is refused before any work
(``UsageError``, exit 2) so no packet is written.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.errors import UsageError

SIGNATURE_FIELD = "InvestigatorSignature"


@dataclass(frozen=True)
class PacketSigner:
    """A loaded signing key: pyHanko's signer and who it names."""

    signer: Any
    subject: str
    not_after: dt.datetime


def _passphrase(pass_file: Path | None) -> bytes | None:
    if pass_file is None:
        return None
    try:
        text = Path(pass_file).read_bytes()
    except OSError as exc:
        raise UsageError(f"{pass_file}: the passphrase file cannot be read ({exc.strerror or exc})") from None
    return text.rstrip(b"\r\n")


def load_signer(key_file: Path, pass_file: Path | None = None, now: dt.datetime | None = None,
                passphrase: bytes | None = None) -> PacketSigner:
    """The signing key of ``key_file`` (PKCS#12), checked: readable, passphrase right (read from
    ``pass_file``, else ``passphrase`` as typed), certificate valid now."""
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko.sign.signers import SimpleSigner

    key_file = Path(key_file)
    try:
        data = key_file.read_bytes()
    except OSError as exc:
        raise UsageError(f"{key_file}: the signing key file cannot be read ({exc.strerror or exc})") from None
    if pass_file is not None:
        passphrase = _passphrase(pass_file)
    try:
        key, cert, _others = pkcs12.load_key_and_certificates(data, passphrase)
    except ValueError:
        hint = "the passphrase is wrong" if passphrase else "it needs a passphrase (give --sign-pass-file)"
        raise UsageError(f"{key_file}: cannot open the PKCS#12 key file: {hint}, or it is not a PKCS#12 file") from None
    if key is None or cert is None:
        raise UsageError(f"{key_file}: the PKCS#12 file holds no private key and certificate to sign with")
    moment = now or dt.datetime.now(dt.timezone.utc)
    subject = cert.subject.rfc4514_string()
    if moment > cert.not_valid_after_utc:
        raise UsageError(f"{key_file}: the certificate of {subject} expired on "
                         f"{cert.not_valid_after_utc:%Y-%m-%d %H:%M} UTC; sign with a valid certificate")
    if moment < cert.not_valid_before_utc:
        raise UsageError(f"{key_file}: the certificate of {subject} is not valid before "
                         f"{cert.not_valid_before_utc:%Y-%m-%d %H:%M} UTC")
    signer = SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=passphrase)
    return PacketSigner(signer=signer, subject=subject, not_after=cert.not_valid_after_utc)


def sign_packet(pdf: bytes, signer: PacketSigner, reason: str, name: str = "") -> bytes:
    """``pdf`` with a PAdES signature appended as an incremental update covering the whole document."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(field_name=SIGNATURE_FIELD, md_algorithm="sha256", reason=reason,
                                        name=name or None, subfilter=fields.SigSeedSubFilter.PADES)
    out = signers.sign_pdf(writer, meta, signer=signer.signer)
    return out.getvalue()


@dataclass(frozen=True)
class SignatureCheck:
    """The verdict on a packet's signatures (``signed`` False: none present)."""

    signed: bool
    ok: bool
    signer: str
    signed_at: str
    problems: list[str]


def check_signature(pdf_path: Path) -> SignatureCheck:
    """Whether the packet's signature is intact, cryptographically valid and covers the whole file."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    with open(pdf_path, "rb") as handle:
        reader = PdfFileReader(handle, strict=False)
        signatures = list(reader.embedded_signatures)
        if not signatures:
            return SignatureCheck(False, True, "", "", [])
        problems: list[str] = []
        sig = signatures[-1]
        who = sig.signer_cert.subject.human_friendly if sig.signer_cert is not None else "unknown"
        context = ValidationContext(trust_roots=[sig.signer_cert] if sig.signer_cert is not None else [],
                                    allow_fetching=False)
        try:
            status = validate_pdf_signature(sig, signer_validation_context=context)
        except ValueError as exc:   # pyHanko's SignatureValidationError is one
            return SignatureCheck(True, False, who, "", [f"the signature cannot be validated: {exc}"])
        if not status.intact:
            problems.append("the signed content was altered after signing (digest mismatch)")
        if not status.valid:
            problems.append("the signature value does not match the signer's certificate")
        if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
            problems.append("the signature does not cover the whole file (content was appended after signing)")
        when = status.signer_reported_dt.isoformat() if status.signer_reported_dt else ""
        return SignatureCheck(True, not problems, who, when, problems)
