"""nn.datasets: shapes, labels, determinism, geometry, errors."""

from __future__ import annotations

import math
import os

import pytest

from deltagrad.nn import datasets


@pytest.mark.parametrize("make", [datasets.moons, datasets.circles, datasets.spiral])
def test_shapes_labels_and_determinism(make) -> None:
    X, Y = make(51, 0.1, rng=3)
    assert len(X) == len(Y) == 51 and all(len(p) == 2 for p in X)
    assert set(Y) == {0, 1} and Y.count(0) == 25 and Y.count(1) == 26
    assert make(51, 0.1, rng=3) == (X, Y)
    assert make(51, 0.1, rng=4) != (X, Y)


def test_xor() -> None:
    X, Y = datasets.xor()
    assert X == [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]] and Y == [0, 1, 1, 0]


def test_moons_geometry_without_noise() -> None:
    X, Y = datasets.moons(40, noise=0.0, rng=0)
    for (x0, x1), y in zip(X, Y):
        if y == 0:  # upper half circle of radius 1 around (0, 0)
            assert math.hypot(x0, x1) == pytest.approx(1.0) and x1 >= -1e-12
        else:  # lower half circle of radius 1 around (1, 0.5)
            assert math.hypot(x0 - 1.0, x1 - 0.5) == pytest.approx(1.0) and x1 <= 0.5 + 1e-12


def test_circles_radii_without_noise() -> None:
    X, Y = datasets.circles(30, noise=0.0, factor=0.3, rng=0)
    for p, y in zip(X, Y):
        assert math.hypot(*p) == pytest.approx(1.0 if y == 0 else 0.3)


def test_signed_labels() -> None:
    assert datasets.signed([0, 1, 1]) == [-1.0, 1.0, 1.0]
    with pytest.raises(ValueError, match="labels must be 0 or 1, got 2 at index 1"):
        datasets.signed([0, 2])


def test_errors() -> None:
    with pytest.raises(ValueError, match="n must be at least 2, got 1"):
        datasets.moons(1)
    with pytest.raises(TypeError, match="n must be an int, got float"):
        datasets.spiral(10.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="noise must be a finite number >= 0"):
        datasets.moons(10, noise=-0.1)
    with pytest.raises(ValueError, match="factor must be a number strictly between 0 and 1"):
        datasets.circles(10, factor=1.5)


# -- tables: iris, digits, load_csv, train_test_split --------------------------------------
def test_iris_is_fishers_150_rows() -> None:
    X, Y, names = datasets.iris(standardize=False)
    assert len(X) == 150 and all(len(row) == 4 for row in X)
    assert names == ["setosa", "versicolor", "virginica"]
    assert [Y.count(c) for c in range(3)] == [50, 50, 50] and Y[:50] == [0] * 50
    assert X[0] == [5.1, 3.5, 1.4, 0.2] and X[-1] == [5.9, 3.0, 5.1, 1.8]
    assert X[34] == [4.9, 3.1, 1.5, 0.2] and X[37] == [4.9, 3.6, 1.4, 0.1]  # Fisher's values (UCI's errata)
    sums = [round(sum(col), 6) for col in zip(*X)]
    assert sums == [876.5, 458.6, 563.7, 179.9]
    Z, Y2, _ = datasets.iris()
    assert Y2 == Y
    for col in zip(*Z):
        assert sum(col) / 150 == pytest.approx(0.0, abs=1e-12)
        assert math.sqrt(sum(v * v for v in col) / 150) == pytest.approx(1.0, rel=1e-12)


def test_load_csv_quoted_fields_crlf_and_bom(tmp_path) -> None:
    text = ('\ufeff"width, cm",height,"kind"\r\n'
            '1.5,2,"a ""big"" one"\r\n'
            '"2.5",3,plain\r\n'
            '\r\n'
            '3.5,"4",plain\r\n')
    path = tmp_path / "table.csv"
    path.write_bytes(text.encode("utf-8"))
    X, Y, names = datasets.load_csv(path, target="kind", standardize=False)
    assert X == [[1.5, 2.0], [2.5, 3.0], [3.5, 4.0]]
    assert names == ['a "big" one', "plain"] and Y == [0, 1, 1]
    with pytest.raises(ValueError, match="line 2, column 'kind': 'a \"big\" one' is not a finite number"):
        datasets.load_csv(str(path), target="height")


def test_load_csv_target_kinds(tmp_path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a,b,y\n1,2,0.5\n3,4,1.25\n5,6,2.0\n")
    X, Y, names = datasets.load_csv(path, standardize=False)  # the last column by default
    assert names == [] and Y == [0.5, 1.25, 2.0]
    path.write_text("a,b,y\n1,2,10\n3,4,2\n5,6,2\n")
    X, Y, names = datasets.load_csv(path)
    assert names == ["2", "10"] and Y == [1, 0, 0]  # whole numbers: classes, in numeric order
    X, Y, names = datasets.load_csv(path, classes=False)
    assert names == [] and Y == [10.0, 2.0, 2.0]
    assert X[0] == pytest.approx([-1.224744871391589, -1.224744871391589])


@pytest.mark.parametrize("text, message", [
    ("", "is empty: expected a header row"),
    ("\n\n", "is empty"),
    ("a,b,species\n", "has a header but no data rows"),
    ("a,b,kind\n1,2,x\n", "has no column 'species'; its columns are: a, b, kind"),
    ("a,b,species\n1,2,x\n3,oops,y\n", "line 3, column 'b': 'oops' is not a finite number"),
    ("a,b,species\n1,nan,x\n", "line 2, column 'b': 'nan' is not a finite number"),
    ("a,b,species\n1,2,x\n3,4,x\n", "has a single class \\('x'\\)"),
    ("a,b,species\n1,2,x\n3,4\n", "line 3: 2 fields, but the header has 3 columns"),
    ("a,a,species\n1,2,x\n", "names a column more than once: 'a'"),
    ("a,b,species\n1,2,\n", "line 2: the target column 'species' is empty"),
])
def test_load_csv_bad_files_say_what_is_wrong(tmp_path, text: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        datasets.load_csv(path, target="species")


def test_load_csv_refuses_what_is_not_a_small_regular_file(tmp_path, monkeypatch) -> None:
    with pytest.raises(ValueError, match="is a folder: the CSV file must be a regular file"):
        datasets.load_csv(tmp_path, target="y")
    with pytest.raises(FileNotFoundError, match="no such CSV file"):
        datasets.load_csv(tmp_path / "missing.csv", target="y")
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)  # no writer: a blocking open would hang
    with pytest.raises(ValueError, match="is a FIFO .*: the CSV file must be a regular file"):
        datasets.load_csv(fifo, target="y")
    with pytest.raises(ValueError, match="is a device"):
        datasets.load_csv("/dev/zero", target="y")
    big = tmp_path / "big.csv"
    big.write_text("a,y\n" + "1,0\n" * 100)
    monkeypatch.setattr(datasets, "MAX_CSV_BYTES", 50)
    with pytest.raises(ValueError, match="holds more than 50 bytes"):
        datasets.load_csv(big, target="y")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"a,y\n\xff\xfe,1\n")
    monkeypatch.setattr(datasets, "MAX_CSV_BYTES", 1000)
    with pytest.raises(ValueError, match="not UTF-8"):
        datasets.load_csv(binary, target="y")
    with pytest.raises(TypeError, match="expects a path, got int"):
        datasets.load_csv(3, target="y")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="target must be a column name"):
        datasets.load_csv(big, target=2)  # type: ignore[arg-type]


def test_train_test_split_is_stratified_and_seeded() -> None:
    X, Y, _ = datasets.iris()
    X_train, Y_train, X_test, Y_test = datasets.train_test_split(X, Y, test=0.2, rng=0)
    assert len(X_train) == len(Y_train) == 120 and len(X_test) == len(Y_test) == 30
    assert [Y_test.count(c) for c in range(3)] == [10, 10, 10]
    rows = sorted(map(tuple, X_train + X_test))
    assert rows == sorted(map(tuple, X))  # every row once
    assert datasets.train_test_split(X, Y, test=0.2, rng=0) == (X_train, Y_train, X_test, Y_test)
    assert datasets.train_test_split(X, Y, test=0.2, rng=1) != (X_train, Y_train, X_test, Y_test)
    Xr, Yr = [[float(i)] for i in range(10)], [i * 0.5 for i in range(10)]  # numbers: a plain split
    parts = datasets.train_test_split(Xr, Yr, test=0.3, rng=0)
    assert [len(p) for p in parts] == [7, 7, 3, 3]


def test_train_test_split_errors() -> None:
    with pytest.raises(ValueError, match="class 2 has 1 row: a stratified split needs at least 2 rows"):
        datasets.train_test_split([[0.0]] * 5, [0, 0, 1, 1, 2])
    with pytest.raises(ValueError, match="strictly between 0 and 1, got 1.5"):
        datasets.train_test_split([[0.0]] * 4, [0, 0, 1, 1], test=1.5)
    with pytest.raises(TypeError, match="test must be a fraction"):
        datasets.train_test_split([[0.0]] * 4, [0, 0, 1, 1], test="0.2")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="got 4 rows of X but 3 targets"):
        datasets.train_test_split([[0.0]] * 4, [0, 0, 1])
    with pytest.raises(TypeError, match="rng must be"):
        datasets.train_test_split([[0.0]] * 4, [0, 0, 1, 1], rng="x")  # type: ignore[arg-type]


def test_digits_from_scikit_learn_or_one_line_saying_how_to_install(monkeypatch) -> None:
    try:
        import sklearn  # noqa: F401
    except ImportError:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("scikit-learn is required under CI=true (the data extra) but is not installed")
    else:
        X, Y, names = datasets.digits(standardize=False)
        assert len(X) == 1797 and len(X[0]) == 64 and names == [str(d) for d in range(10)]
        assert sorted(set(Y)) == list(range(10)) and max(map(max, X)) == 16.0
    import builtins

    real_import = builtins.__import__

    def no_sklearn(name, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name.startswith("sklearn"):
            raise ImportError("No module named 'sklearn'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_sklearn)
    with pytest.raises(datasets.DataUnavailableError, match=r"pip install 'deltagrad\[data\]'"):
        datasets.digits()


def test_iris_trains_to_90_percent_on_the_test_set() -> None:
    from deltagrad import nn

    X, Y, _ = datasets.iris()
    X_train, Y_train, X_test, Y_test = datasets.train_test_split(X, Y, test=0.2, rng=0)
    model = nn.MLP(4, [8, 3], activation="tanh", output_activation="linear", rng=0)
    nn.fit(model, X_train, Y_train, loss="cross_entropy", optimizer=nn.Adam(model.parameters(), lr=0.05),
           epochs=30, compiled=True, progress=False)
    assert nn.accuracy(model, X_test, Y_test) >= 0.9
