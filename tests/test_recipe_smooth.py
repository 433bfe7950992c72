"""Recipe 3 (issue 20, part 2): the activations' outlier channels are migrated into the
weights before int8 (SmoothQuant), exactly in float.

Recipe 2 scaled each token's activations by its largest magnitude; XLM-R's layer-norm
outputs carry a few channels many times larger than the rest, so those few set the
scale and the others got a handful of int8 steps: on Greve passages 30 of 1,831
vectors were below cosine 0.999 to the float32 graph (bench/README.md, "Leaner e5,
recipe 3"). A small graph with such channels shows the mechanism; the real model's
figures are the bench's."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

from raadsgraf.index.encoders.recipe import per_row, smooth


def _graph(path: Path, w: np.ndarray) -> Path:
    tensor = helper.make_tensor_value_info
    graph = helper.make_graph(
        [
            helper.make_node(
                "MatMul", ["x", "w"], ["h"], name="/layer.0/intermediate/dense/MatMul"
            ),
            helper.make_node("Identity", ["h"], ["y"], name="out"),  # products feed nodes
        ],
        "product",
        [tensor("x", TensorProto.FLOAT, [None, w.shape[0]])],
        [tensor("y", TensorProto.FLOAT, [None, w.shape[1]])],
        [numpy_helper.from_array(w, "w")],
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)],
        ir_version=8,  # what the exported e5 graph has; onnxruntime reads up to 13
    )
    onnx.save(model, str(path))
    return path


def _run(path: Path, x: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return np.asarray(session.run(None, {"x": x})[0])


def test_smoothing_is_exact_in_float_and_spares_int8_the_outlier_channels(
    tmp_path: Path,
) -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 96)).astype(np.float32)
    x[:, [5, 41]] *= 40  # two channels far larger than the rest, as XLM-R's layer norms give
    w = (rng.standard_normal((96, 32)) * 0.05).astype(np.float32)
    plain = _graph(tmp_path / "plain.onnx", w)
    smoothed = smooth(plain, tmp_path / "smoothed.onnx", {"x": np.abs(x).max(axis=0)})
    # the scales are powers of two: (x / s)·(s W) is x·W to the last bit
    assert np.array_equal(_run(smoothed, x), _run(plain, x))
    exact = x @ w

    def int8_error(graph: Path) -> float:
        y = _run(per_row(graph, tmp_path / f"{graph.stem}.int8.onnx"), x)
        return float(np.linalg.norm(y - exact) / np.linalg.norm(exact))

    recipe_2, recipe_3 = int8_error(plain), int8_error(smoothed)
    assert recipe_3 < recipe_2 / 3, (recipe_2, recipe_3)
    # one vector per row whatever else is in the batch: the rows still quantise alone
    alone = _run(tmp_path / "smoothed.int8.onnx", x[:1])
    assert np.array_equal(alone[0], _run(tmp_path / "smoothed.int8.onnx", x)[0])
