"""Ingest round trips: typed tables equal the input, venue rows summed as a brute-force
oracle says, CSV and Parquet agree, names are case-insensitive, ids keep leading zeros."""
from __future__ import annotations

import hashlib
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from engine.errors import Cancelled, InputError, UsageError
from engine.ingest.load import read_case_tables, read_table
from engine.progress import Reporter
from tests.engine.bad_inputs.base import BASE, write_case

PRICE_COLS = ("first_price", "last_price", "min_price", "max_price", "avg_buy_price", "avg_sell_price")


def _random_trades(seed: int, n: int = 400) -> pd.DataFrame:
    """Text-cell trades with venue splits, leading-zero ids, blank prices, an extra column."""
    rng = np.random.default_rng(seed)
    ids = ["0", "007", "0007", "7", "00123", "123", "A1", "b2"]
    stocks, venues = ["AAA", "0456", "BBB"], ["X", "Y", "Z"]
    dates = [f"2024-01-{d:02d}" for d in range(1, 16)]
    combos = [(i, s, d, v) for i in ids for s in stocks for d in dates for v in venues]
    pick = rng.choice(len(combos), size=n, replace=False)
    rows = [combos[k] for k in pick]
    df = pd.DataFrame(rows, columns=["investor_id", "stock", "date", "venue"], dtype=object)
    for col in ("buy_shares", "sell_shares"):
        shares = rng.integers(0, 50, n) * (rng.random(n) < 0.7)
        df[col] = shares.astype(str)
    df["buy_value"] = (df["buy_shares"].astype(int) * 10).astype(str)
    df["sell_value"] = (df["sell_shares"].astype(int) * 11).astype(str)
    df["n_buy"] = rng.integers(0, 5, n).astype(str)
    for col in PRICE_COLS:
        low, high = {"min_price": (5, 8), "max_price": (12, 15)}.get(col, (8, 12))
        price = np.round(rng.uniform(low, high, n), 3).astype(str).astype(object)
        price[rng.random(n) < 0.2] = ""
        df[col] = price
    df["note"] = [f"r{k}" for k in range(n)]
    return df


def _oracle(df: pd.DataFrame) -> pd.DataFrame:
    """Venue aggregation by plain Python over the rows, in file order."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for rec in df.to_dict("records"):
        groups[(rec["investor_id"], rec["stock"], rec["date"])].append(rec)
    out = []

    def num(v: str) -> float | None:
        return None if v == "" else float(v)

    for (inv, stock, date), recs in groups.items():
        weight = [float(r["buy_shares"]) + float(r["sell_shares"]) for r in recs]
        main = recs[max(range(len(recs)), key=lambda k: (weight[k], -k))]
        row = {"investor_id": inv, "stock": stock, "date": pd.Timestamp(date)}
        for col in ("buy_shares", "sell_shares", "buy_value", "sell_value"):
            row[col] = sum(float(r[col]) for r in recs)
        row["n_buy"] = sum(int(r["n_buy"]) for r in recs)
        for col in ("first_price", "last_price"):
            row[col] = num(main[col])
        present = {c: [num(r[c]) for r in recs if num(r[c]) is not None] for c in PRICE_COLS}
        row["min_price"] = min(present["min_price"], default=None)
        row["max_price"] = max(present["max_price"], default=None)
        for col, wcol in (("avg_buy_price", "buy_shares"), ("avg_sell_price", "sell_shares")):
            pairs = [(num(r[col]), float(r[wcol])) for r in recs if num(r[col]) is not None]
            wsum = sum(w for _, w in pairs)
            row[col] = (sum(p * w for p, w in pairs) / wsum if wsum > 0
                        else sum(p for p, _ in pairs) / len(pairs) if pairs else None)
        row["note"] = main["note"]
        out.append(row)
    out.sort(key=lambda r: (r["stock"], r["date"], r["investor_id"]))
    return pd.DataFrame(out)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_venue_rows_summed_as_brute_force_oracle(tmp_path: Path, seed: int) -> None:
    raw = _random_trades(seed)
    path = tmp_path / "trades.csv"
    raw.to_csv(path, index=False)
    got = read_table("trades", path)
    want = _oracle(raw)
    assert "venue" not in got.columns
    assert list(got.columns) == ["investor_id", "stock", "date", "buy_shares", "sell_shares", "buy_value",
                                 "sell_value", "n_buy", *PRICE_COLS, "note"]
    assert len(got) == len(want) < len(raw)
    for col in ("investor_id", "stock", "note"):
        assert got[col].tolist() == want[col].tolist(), col
    assert (got["date"].to_numpy() == want["date"].to_numpy()).all()
    assert got["n_buy"].tolist() == want["n_buy"].tolist()
    for col in ("buy_shares", "sell_shares", "buy_value", "sell_value", *PRICE_COLS):
        np.testing.assert_allclose(got[col].to_numpy(float), want[col].to_numpy(float, na_value=np.nan),
                                   rtol=1e-12, equal_nan=True, err_msg=col)


def test_base_case_types_codes_and_leading_zeros(tmp_path: Path) -> None:
    t = read_case_tables(write_case(tmp_path)).tables
    trades = t.trades
    assert trades["investor_id"].tolist() == ["00123", "007", "42", "42", "007", "42"]
    assert trades["stock"].tolist() == ["AAA", "AAA", "AAA", "AAA", "BBB", "BBB"]
    assert trades.loc[0, "buy_shares"] == 40 and trades.loc[0, "sell_value"] == 50
    assert trades["n_buy"].dtype == "Int64" and trades.loc[0, "n_buy"] == 3
    assert trades["date"].dtype == "datetime64[ns]" and trades["buy_value"].dtype == np.float64
    assert all(isinstance(v, str) for v in trades["investor_id"])
    assert t.investors["investor_type"].tolist() == ["H", "IF", "L"]
    assert t.options["right"].tolist() == ["C", "P"]
    assert t.options["implied_vol"].isna().tolist() == [False, True]
    assert t.events["direction"].tolist() == ["buy", "sell"]
    e2 = t.event("E2")
    assert (e2.stock, str(e2.event_date), str(e2.reference_start), e2.offer_price) == \
        ("BBB", "2024-01-12", "2024-01-04", None)
    assert t.filings["form"].tolist() == ["Form 4"]
    assert t.prices["close"].tolist() == [10.5, 10.0, 3.0]


def _typed_parquet(csv_text: str, path: Path) -> None:
    """Write a CSV's data as Parquet with native types: numbers, date32 dates, text."""
    from io import StringIO
    df = pd.read_csv(StringIO(csv_text), dtype=str, keep_default_na=False)
    arrays = {}
    for col in df.columns:
        vals = df[col].replace("", None)
        if col in {"date", "expiry", "event_date", "reference_start"}:
            arrays[col] = pa.array(pd.to_datetime(vals).dt.date, type=pa.date32())
        elif col in {"n_buy", "n_sell"}:
            arrays[col] = pa.array(pd.to_numeric(vals).astype("Int64"), type=pa.int64())
        elif col not in {"investor_id", "stock", "event_id", "venue", "right", "form", "transaction",
                         "investor_type", "description", "direction"}:
            arrays[col] = pa.array(pd.to_numeric(vals).astype(float), type=pa.float64())
        else:
            arrays[col] = pa.array(vals.tolist(), type=pa.string())
    pq.write_table(pa.table(arrays), path)


def test_csv_and_parquet_give_identical_tables(tmp_path: Path) -> None:
    csv_paths = write_case(tmp_path / "csv")
    pq_paths = {}
    for name, text in BASE.items():
        pq_paths[name] = tmp_path / f"{name}.parquet"
        _typed_parquet(text, pq_paths[name])
    a, b = read_case_tables(csv_paths).tables, read_case_tables(pq_paths).tables
    for name in BASE:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True, obj=name)


def test_parquet_integer_ids_become_text_without_decimal(tmp_path: Path) -> None:
    path = tmp_path / "investors.parquet"
    pq.write_table(pa.table({"investor_id": pa.array([123, 7], pa.int64()),
                             "investor_type": ["H", "L"]}), path)
    assert read_table("investors", path)["investor_id"].tolist() == ["123", "7"]
    pq.write_table(pa.table({"investor_id": pa.array([123.0, 5.0]), "investor_type": ["H", "L"]}), path)
    assert read_table("investors", path)["investor_id"].tolist() == ["123", "5"]
    pq.write_table(pa.table({"investor_id": pa.array([123.0, None, 5.0]),
                             "investor_type": ["H", "L", "IF"]}), path)
    with pytest.raises(InputError) as err:
        read_table("investors", path)
    assert [str(p) for p in err.value.problems] == [
        "investors.parquet, row 3, column investor_id: blank investor_id"]


def test_parquet_timestamp_with_time_of_day_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "prices.parquet"
    pq.write_table(pa.table({"stock": ["A", "A"], "close": [1.0, 2.0],
                             "date": pd.to_datetime(["2024-01-02 00:00", "2024-01-03 10:30"])}), path)
    with pytest.raises(InputError) as err:
        read_table("prices", path)
    (problem,) = err.value.problems
    assert (problem.row, problem.column) == (3, "date") and "time of day" in problem.message


def test_column_names_case_insensitive(tmp_path: Path) -> None:
    shouted = {n: t.split("\n", 1)[0].upper().replace(",", " , ") + "\n" + t.split("\n", 1)[1]
               for n, t in BASE.items()}
    a = read_case_tables(write_case(tmp_path / "a")).tables
    b = read_case_tables(write_case(tmp_path / "b", shouted)).tables
    for name in BASE:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True, obj=name)


def test_several_problems_found_in_one_pass(tmp_path: Path) -> None:
    trades = BASE["trades"].replace("007,AAA,2024-01-03,0,5", "007,AAA,2024-13-03,x,-5")
    events = BASE["events"].replace(",sell,", ",short,")
    with pytest.raises(InputError) as err:
        read_case_tables(write_case(tmp_path, {"trades": trades, "events": events}))
    assert [(p.file, p.row, p.column) for p in err.value.problems] == [
        ("trades.csv", 4, "date"), ("trades.csv", 4, "buy_shares"), ("trades.csv", 4, "sell_shares"),
        ("events.csv", 3, "direction")]


def test_problems_capped_per_file(tmp_path: Path) -> None:
    header, *rows = BASE["trades"].strip().split("\n")
    bad = [f"i{k},AAA,2024-01-02,-1,0,0,0,0,0,X" for k in range(60)]
    with pytest.raises(InputError) as err:
        read_table("trades", write_case(tmp_path, {"trades": "\n".join([header, *bad])})["trades"])
    problems = err.value.problems
    assert len(problems) == 51
    assert [p.row for p in problems[:50]] == list(range(2, 52))
    assert str(problems[-1]) == "trades.csv: ... and 10 more problems"


def test_blank_lines_skipped_but_counted_in_row_numbers(tmp_path: Path) -> None:
    text = BASE["prices"].replace("AAA,2024-01-03", "\n\nAAA,2024-01-03") + "\nBBB,2024-01-04,zero\n\n"
    with pytest.raises(InputError) as err:
        read_table("prices", write_case(tmp_path, {"prices": text})["prices"])
    assert [str(p) for p in err.value.problems] == ["prices.csv, row 8, column close: not a number: 'zero'"]
    spaced = BASE["prices"].replace("\nB", "\n\nB")
    ok = read_table("prices", write_case(tmp_path / "ok", {"prices": spaced})["prices"])
    assert len(ok) == 3


def test_optional_table_with_header_only_is_an_empty_typed_frame(tmp_path: Path) -> None:
    header = BASE["options"].split("\n")[0] + "\n"
    options = read_case_tables(write_case(tmp_path, {"options": header})).tables.options
    assert len(options) == 0 and options["strike"].dtype == np.float64
    assert options["date"].dtype == "datetime64[ns]"


def test_missing_required_table_and_unknown_table(tmp_path: Path) -> None:
    paths = write_case(tmp_path, tables=("trades",))
    with pytest.raises(InputError, match="the events table is required"):
        read_case_tables(paths)
    with pytest.raises(UsageError, match="unknown table 'trade'"):
        read_case_tables({"trade": paths["trades"]})


def test_file_hashes_and_names(tmp_path: Path) -> None:
    paths = write_case(tmp_path, tables=("trades", "events", "prices"))
    result = read_case_tables({**paths, "options": None})
    assert result.file_names == {"trades": "trades.csv", "events": "events.csv", "prices": "prices.csv"}
    assert result.file_hashes == {n: hashlib.sha256(p.read_bytes()).hexdigest() for n, p in paths.items()}
    assert result.tables.options is None and result.tables.investors is None


def test_whitespace_and_word_spellings_are_normalised(tmp_path: Path) -> None:
    investors = "investor_id,investor_type\n 00123 ,Investment_Firm\n007, LEGAL   entity \n"
    options = BASE["options"].replace(",C,", ", Call ,")
    t = read_case_tables(write_case(tmp_path, {"investors": investors, "options": options})).tables
    assert t.investors["investor_id"].tolist() == ["00123", "007"]
    assert t.investors["investor_type"].tolist() == ["IF", "L"]
    assert t.options["right"].tolist() == ["C", "P"]


def test_duplicate_trade_without_venue_column_is_a_problem(tmp_path: Path) -> None:
    text = "\n".join(",".join(line.split(",")[:-1]) for line in BASE["trades"].strip().split("\n"))
    with pytest.raises(InputError) as err:
        read_table("trades", write_case(tmp_path, {"trades": text})["trades"])
    (problem,) = err.value.problems
    assert (problem.row, problem.column) == (3, "date") and "first at row 2" in problem.message


def test_progress_reaches_one_and_cancel_stops(tmp_path: Path) -> None:
    seen: list[float] = []
    paths = write_case(tmp_path)
    read_case_tables(paths, Reporter(lambda stage, f: seen.append(f)))
    assert seen[-1] == pytest.approx(1.0) and seen == sorted(seen)
    reporter = Reporter()
    reporter.cancel()
    with pytest.raises(Cancelled):
        read_case_tables(paths, reporter)


def test_excel_style_csv_with_bom_crlf_and_quotes_reads_the_same(tmp_path: Path) -> None:
    excel = {n: "\ufeff" + t.replace("\n", "\r\n") for n, t in BASE.items()}
    excel["events"] = excel["events"].replace("takeover bid", '"takeover bid, cash"')
    a = read_case_tables(write_case(tmp_path / "a")).tables
    b = read_case_tables(write_case(tmp_path / "b", excel)).tables
    assert b.events["description"].tolist() == ["takeover bid, cash", "profit warning"]
    for name in BASE:
        frame = getattr(b, name)
        if name == "events":
            frame = frame.assign(description=a.events["description"])
        pd.testing.assert_frame_equal(getattr(a, name), frame, check_exact=True, obj=name)


def test_parquet_written_by_pandas_with_an_index(tmp_path: Path) -> None:
    path = tmp_path / "prices.parquet"
    frame = pd.DataFrame({"Stock": ["A", "B"], "date": pd.to_datetime(["2024-01-02", "2024-01-03"]),
                          "close": [1.5, 2.0]}, index=[10, 20])
    frame.to_parquet(path)
    got = read_table("prices", path)
    assert list(got.columns) == ["stock", "date", "close"] and got["stock"].tolist() == ["A", "B"]


def test_decimal_comma_gets_a_hint(tmp_path: Path) -> None:
    text = BASE["prices"].replace("10.5", '"10,5"')
    with pytest.raises(InputError) as err:
        read_table("prices", write_case(tmp_path, {"prices": text})["prices"])
    assert [str(p) for p in err.value.problems] == [
        "prices.csv, row 2, column close: not a number: '10,5' (use '.' for decimals, no thousands separators)"]


def test_fast_and_line_keeping_readers_agree(tmp_path: Path) -> None:
    """A blank line sends the file to pandas' reader (row numbers kept); same tables either way."""
    raw = _random_trades(5)
    text = raw.to_csv(index=False)
    header, rest = text.split("\n", 1)
    plain = write_case(tmp_path / "plain", {"trades": text}, tables=("trades",))["trades"]
    spaced = write_case(tmp_path / "spaced", {"trades": header + "\n\n" + rest}, tables=("trades",))["trades"]
    pd.testing.assert_frame_equal(read_table("trades", plain), read_table("trades", spaced), check_exact=True)


def test_rows_counted_as_lines_when_a_quoted_value_spans_lines(tmp_path: Path) -> None:
    events = BASE["events"].replace("takeover bid", '"takeover bid,\nannounced at noon"')
    events = events.replace(",sell,", ",hold,")
    with pytest.raises(InputError) as err:
        read_table("events", write_case(tmp_path, {"events": events})["events"])
    assert [(p.row, p.column) for p in err.value.problems] == [(4, "direction")]


def _european(text: str, blank_line: bool = False) -> str:
    """The same table as a European spreadsheet saves it: ';' between cells, decimal commas."""
    import re
    lines = [";".join(re.sub(r"^(-?\d+)\.(\d+)$", r"\1,\2", cell) for cell in line.split(","))
             for line in text.rstrip("\n").split("\n")]
    if blank_line:
        lines.insert(2, "")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("blank_line", [False, True])   # Arrow's reader, then pandas' line-keeping one
def test_semicolon_csv_with_decimal_commas_reads_as_the_comma_file(tmp_path: Path, blank_line: bool) -> None:
    plain = read_case_tables(write_case(tmp_path / "plain")).tables
    europe = {name: _european(text, blank_line) for name, text in BASE.items()}
    assert "10,5" in europe["prices"] and "12,5" in europe["events"]
    got = read_case_tables(write_case(tmp_path / "europe", europe)).tables
    for name in BASE:
        pd.testing.assert_frame_equal(getattr(got, name), getattr(plain, name), check_exact=True, obj=name)


def test_semicolon_csv_problems_name_row_and_column(tmp_path: Path) -> None:
    text = _european(BASE["prices"]).replace("3,0", "3,0,1", 1)     # a thousands separator too many
    with pytest.raises(InputError) as err:
        read_table("prices", write_case(tmp_path, {"prices": text})["prices"])
    assert [(p.row, p.column) for p in err.value.problems] == [(4, "close")]
    assert "not a number: '3.0.1'" in err.value.problems[0].message
