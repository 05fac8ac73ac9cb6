#!/usr/bin/python3
"""Writes the tiny ONNX models the learned-scorer tests load, encoding the ONNX protobuf by hand
(field numbers from onnx/onnx.proto) so that no package beyond Python is needed:

  image-mean.onnx   [1,3,32,32] -> ReduceMean over C,H,W -> [1]: the mean normalised pixel
  image-dist.onnx   [1,3,32,32] -> ReduceMean over H,W -> [1,3] -> Softmax -> a distribution
  audio-mean.onnx   [1,16000]   -> Abs -> ReduceMean over samples -> [1]: the mean amplitude

  /usr/bin/python3 make-models.py   (in this directory)
"""
import struct


def varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def key(field, wire):
    return varint(field << 3 | wire)


def s(field, text):
    data = text.encode() if isinstance(text, str) else text
    return key(field, 2) + varint(len(data)) + data


def i(field, n):
    return key(field, 0) + varint(n)


def attr_ints(name, values):
    return s(1, name) + i(20, 7) + b"".join(i(8, v) for v in values)


def attr_int(name, value):
    return s(1, name) + i(20, 2) + i(3, value)


def node(op, inputs, outputs, *attrs):
    body = b"".join(s(1, x) for x in inputs) + b"".join(s(2, x) for x in outputs)
    body += s(3, op.lower()) + s(4, op) + b"".join(s(5, a) for a in attrs)
    return s(1, body)


def value(name, dims):
    shape = b"".join(s(1, i(1, d)) for d in dims)
    tensor = i(1, 1) + s(2, shape)  # elem_type FLOAT
    return s(1, name) + s(2, s(1, tensor))


def model(nodes, inp, out, path):
    graph = b"".join(nodes) + s(2, "nxs-test") + s(11, value(*inp)) + s(12, value(*out))
    m = i(1, 7) + s(2, "nxs-score tests") + s(7, graph) + s(8, s(1, "") + i(2, 13))
    with open(path, "wb") as f:
        f.write(m)


model([node("ReduceMean", ["x"], ["y"], attr_ints("axes", [1, 2, 3]), attr_int("keepdims", 0))],
      ("x", [1, 3, 32, 32]), ("y", [1]), "image-mean.onnx")
model([node("ReduceMean", ["x"], ["m"], attr_ints("axes", [2, 3]), attr_int("keepdims", 0)),
       node("Softmax", ["m"], ["y"], attr_int("axis", 1))],
      ("x", [1, 3, 32, 32]), ("y", [1, 3]), "image-dist.onnx")
model([node("Abs", ["x"], ["a"]),
       node("ReduceMean", ["a"], ["y"], attr_ints("axes", [1]), attr_int("keepdims", 0))],
      ("x", [1, 16000]), ("y", [1]), "audio-mean.onnx")
