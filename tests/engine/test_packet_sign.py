"""Signed packets: PAdES by pyHanko, checked by an independent implementation (poppler's pdfsig),
refused cleanly for a bad key, and checked again by ``verify --packet``."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from engine.case.store import CaseStore
from engine.errors import UsageError
from engine.packet.build import PacketRequest
from engine.packet.export import export_packet
from engine.packet.sign import check_signature, load_signer
from engine.params import AnalysisParams
from engine.pipeline import analyze

PASSPHRASE = b"correct horse"
PDFSIG = shutil.which("pdfsig")


def make_key(path: Path, days_valid: tuple[int, int] = (-1, 30), passphrase: bytes = PASSPHRASE) -> Path:
    """A throwaway self-signed certificate and key as PKCS#12, valid from/to days around now."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test Investigator"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Workbench tests")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now + dt.timedelta(days=days_valid[0]))
            .not_valid_after(now + dt.timedelta(days=days_valid[1]))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"investigator", key, cert, None, serialization.BestAvailableEncryption(passphrase)))
    return path


@pytest.fixture()
def key_files(tmp_path: Path) -> tuple[Path, Path]:
    pass_file = tmp_path / "pass.txt"
    pass_file.write_bytes(PASSPHRASE + b"\n")
    return make_key(tmp_path / "key.p12"), pass_file


def _pdfsig(path: Path) -> str:
    return subprocess.run([PDFSIG, "-nocert", str(path)], capture_output=True, text=True, timeout=120).stdout


@pytest.mark.skipif(PDFSIG is None, reason="poppler-utils (pdfsig) is not installed: scripts/dev.sh installs it")
def test_signed_packet_is_the_unsigned_bytes_plus_a_signature_pdfsig_accepts(
        analysed_case: Path, tmp_path: Path, key_files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    from main import main
    signer = load_signer(*key_files)
    with CaseStore.open(analysed_case) as store:
        tables = store.tables()
        result = analyze(tables, tables.event(None), AnalysisParams(), store=store)
        request = PacketRequest(suspects=(result.kmeans.suspects[0].investor_id,), rings=())
        unsigned = export_packet(store, result, tmp_path / "plain.pdf", {}, request)
        signed = export_packet(store, result, tmp_path / "signed.pdf", {}, request, signer=signer)
    assert signed[:len(unsigned)] == unsigned and len(signed) > len(unsigned)
    out = _pdfsig(tmp_path / "signed.pdf")
    assert "Signature is Valid" in out and "Total document signed" in out, out
    assert check_signature(tmp_path / "signed.pdf").ok
    assert main(["verify", str(analysed_case), "--packet", str(tmp_path / "signed.pdf")]) == 0
    assert "signature by" in capsys.readouterr().out
    # one byte of the signed content changed (a letter of the document title): the signature breaks
    marker = signed.index(b"Case packet: ")
    forged = signed[:marker + 5] + b"q" + signed[marker + 6:]
    assert len(forged) == len(signed) and forged != signed
    (tmp_path / "forged.pdf").write_bytes(forged)
    assert "Signature is Valid" not in _pdfsig(tmp_path / "forged.pdf")
    check = check_signature(tmp_path / "forged.pdf")
    assert check.signed and not check.ok
    assert main(["verify", str(analysed_case), "--packet", str(tmp_path / "forged.pdf")]) == 1
    assert "altered after signing" in capsys.readouterr().out


@pytest.mark.parametrize("case_name, expected", [
    ("wrong passphrase", "passphrase is wrong"),
    ("missing key file", "cannot be read"),
    ("expired certificate", "expired on"),
])
def test_a_bad_key_exits_2_before_any_work_and_writes_nothing(
        analysed_case: Path, tmp_path: Path, key_files: tuple[Path, Path], capsys: pytest.CaptureFixture[str],
        case_name: str, expected: str) -> None:
    from main import main
    key, pass_file = key_files
    if case_name == "wrong passphrase":
        pass_file.write_bytes(b"not it\n")
    elif case_name == "missing key file":
        key = tmp_path / "nowhere.p12"
    else:
        key = make_key(tmp_path / "old.p12", days_valid=(-60, -1))
    out = tmp_path / "packet.pdf"
    entries_before = _audit_count(analysed_case)
    code = main(["report", str(analysed_case), "--pdf", str(out), "--sign", str(key), "--sign-pass-file",
                 str(pass_file), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and expected in err, err
    assert "Traceback" not in err
    assert not out.exists() and list(tmp_path.glob("packet*")) == []
    assert _audit_count(analysed_case) == entries_before


def _audit_count(case: Path) -> int:
    with CaseStore.open(case, read_only=True) as store:
        return len(store.audit_entries())


def test_load_signer_names_the_subject_and_refuses_a_certificate_not_yet_valid(tmp_path: Path) -> None:
    pass_file = tmp_path / "p"
    pass_file.write_bytes(PASSPHRASE)
    signer = load_signer(make_key(tmp_path / "k.p12"), pass_file)
    assert "Test Investigator" in signer.subject
    with pytest.raises(UsageError, match="not valid before"):
        load_signer(make_key(tmp_path / "future.p12", days_valid=(5, 30)), pass_file)
    with pytest.raises(UsageError, match="needs a passphrase"):
        load_signer(tmp_path / "k.p12", None)
