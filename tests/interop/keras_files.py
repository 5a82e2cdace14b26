#!/usr/bin/python3
# Writes Keras HDF5 files exactly as Keras lays them out, with random weights, and the outputs Keras
# would compute for a few inputs (keras_reference.py). Keras itself is not installable here; Debian's
# python3-h5py and NumPy are. The layout follows keras/saving/legacy/hdf5_format.py:
#   save_model_to_hdf5: root attributes keras_version, backend (str), model_config, training_config
#     (JSON, utf-8 bytes); group model_weights; group optimizer_weights.
#   save_weights_to_hdf5_group: layer_names (model.layers, utf-8 bytes), backend, keras_version on the
#     group; one group per layer, created in sorted order, each with weight_names and one dataset per
#     weight named after it ("conv2d/kernel:0", so h5py nests a group "conv2d"); a nested model's
#     group holds all its layers' weights, trainable ones first (_legacy_weights);
#     top_level_model_weights (tf.keras >= 2.6) with an empty weight_names.
#   save_attributes_to_hdf5_group: lists longer than 64512 bytes split into name0, name1...
# model.save_weights() writes the same layer groups at the root of the file (no model_config).
#
# Usage: /usr/bin/python3 keras_files.py OUTDIR CASE... ("all" for every case). Writes the .h5 files,
# raw little-endian inputs (*.in.f32, N x H x W x C pixel values in [0, 255]) and references
# (*.probs.f64, *.logits.f64, *.features.f64) and OUTDIR/manifest.json describing them.
import json
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keras_layers as L  # noqa: E402
from keras_reference import MODELS, predict  # noqa: E402

HDF5_OBJECT_HEADER_LIMIT = 64512
rng = np.random.default_rng(20240916)


def make_params(kind, c, shape):
    """Random weights of a plausible scale for a layer receiving `shape` (float32, as Keras stores)."""
    f = np.float32
    if kind == "Conv2D":
        k, cin = c["kernel_size"][0], shape[-1]
        gain = 0.3 if c["name"].endswith(("_3_conv", "_0_conv")) else 1.0  # keep ResNet's residual sums tame
        p = {"kernel": (rng.standard_normal((k, k, cin, c["filters"])) * gain * np.sqrt(2.0 / (k * k * cin))).astype(f)}
        if c["use_bias"]:
            p["bias"] = (rng.standard_normal(c["filters"]) * 0.05).astype(f)
        return p
    if kind == "Dense":
        return {"kernel": (rng.standard_normal((shape[-1], c["units"])) * np.sqrt(2.0 / shape[-1])).astype(f),
                "bias": (rng.standard_normal(c["units"]) * 0.05).astype(f)}
    n = shape[-1]
    return {"gamma": rng.uniform(0.6, 1.2, n).astype(f), "beta": (rng.standard_normal(n) * 0.1).astype(f),
            "moving_mean": (rng.standard_normal(n) * 0.2).astype(f), "moving_variance": rng.uniform(0.5, 2.0, n).astype(f)}


KINDS = {"Conv2D": ("kernel", "bias"), "Dense": ("kernel", "bias"), "BatchNormalization": ("gamma", "beta", "moving_mean", "moving_variance")}
TRAINABLE_KINDS = ("kernel", "bias", "gamma", "beta")


def layers_of(entry):
    config = entry["config"]
    return config if isinstance(config, list) else config["layers"]


def model_layers(entry):
    """model.layers: a Sequential leaves its InputLayer out, a Functional model keeps it."""
    return [l for l in layers_of(entry) if entry["class_name"] != "Sequential" or l["class_name"] != "InputLayer"]


def weights_of(entry, params, name_of):
    """_legacy_weights(layer) as (name, value): trainable weights, then non-trainable ones."""
    if entry["class_name"] in MODELS:
        inner = [w for sub in model_layers(entry) for w in weights_of(sub, params, name_of)]
        return [w for w in inner if w[2]] + [w for w in inner if not w[2]]
    name, kind = entry["config"]["name"], entry["class_name"]
    trainable = entry["config"].get("trainable", True)
    p = params.get(name, {})
    return [(name_of(name, k), p[k], trainable and k in TRAINABLE_KINDS) for k in KINDS.get(kind, ()) if k in p]


def save_attributes(group, name, data, limit=HDF5_OBJECT_HEADER_LIMIT):
    data_npy = np.asarray(data)
    chunks = 1
    split = np.array_split(data_npy, chunks)
    while any(x.nbytes > limit for x in split):
        chunks += 1
        split = np.array_split(data_npy, chunks)
    if chunks > 1:
        for i, chunk in enumerate(split):
            group.attrs["%s%d" % (name, i)] = chunk
    else:
        group.attrs[name] = data


def save_weights(f, model, params, version, backend, name_of, top_level=True, limit=HDF5_OBJECT_HEADER_LIMIT):
    layers = model_layers(model)
    save_attributes(f, "layer_names", [l["config"]["name"].encode("utf8") for l in layers], limit)
    f.attrs["backend"] = backend.encode("utf8")
    f.attrs["keras_version"] = version.encode("utf8")
    for layer in sorted(layers, key=lambda l: l["config"]["name"]):
        g = f.create_group(layer["config"]["name"])
        weights = weights_of(layer, params, name_of)
        save_attributes(g, "weight_names", [w[0].encode("utf8") for w in weights], limit)
        for wname, value, _ in weights:
            g.create_dataset(wname, value.shape, dtype=value.dtype)[...] = value
    if top_level:
        save_attributes(f.create_group("top_level_model_weights"), "weight_names", [])


def tf_name(layer, kind):
    return layer + "/" + kind + ":0"


def write_model(path, model, params, version="2.9.0", backend="tensorflow", name_of=tf_name, top_level=True, root_attrs=None):
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = version  # str: h5py stores a variable-length string
        f.attrs["backend"] = backend
        f.attrs["model_config"] = json.dumps(model).encode("utf8")
        f.attrs["training_config"] = json.dumps({"loss": "sparse_categorical_crossentropy", "metrics": [[{"class_name": "MeanMetricWrapper", "config": {"name": "accuracy"}}]],
                                                 "optimizer_config": {"class_name": "Adam", "config": {"name": "Adam", "learning_rate": 0.001}}}).encode("utf8")
        for key, value in (root_attrs or {}).items():
            f.attrs[key] = value
        save_weights(f.create_group("model_weights"), model, params, version, backend, name_of, top_level)
        opt = f.create_group("optimizer_weights")
        save_attributes(opt, "weight_names", [b"Adam/iter:0"])
        opt.create_dataset("Adam/iter:0", (), dtype=np.int64)[()] = 17


def write_weights(path, model, params, version="2.9.0", backend="tensorflow", top_level=True, name_of=tf_name, limit=HDF5_OBJECT_HEADER_LIMIT):
    with h5py.File(path, "w") as f:
        save_weights(f, model, params, version, backend, name_of, top_level, limit)


def pixels(n, size, channels=3, grey=False):
    x = rng.integers(0, 256, (n, size, size, 1 if grey else channels)).astype(np.float32)
    return np.repeat(x, channels, axis=3) if grey else x


class Case:
    def __init__(self, out, name):
        self.out, self.name, self.entry = out, name, {"name": name, "file": name + ".h5", "inputs": []}

    def path(self, suffix):
        return os.path.join(self.out, self.name + suffix)

    def reference(self, model, params, x, label, features=None, fed=1.0):
        # fed: what the user's pipeline multiplied pixels by before the model (a model without
        # Rescaling was fed x / 255 by ImageDataGenerator(rescale=1/255), as NeuroDx assumes).
        probs, logits, trace = predict(model, params, x * fed)
        stem = self.name + "." + label
        x.astype("<f4").tofile(os.path.join(self.out, stem + ".in.f32"))
        probs.astype("<f8").tofile(os.path.join(self.out, stem + ".probs.f64"))
        logits.astype("<f8").tofile(os.path.join(self.out, stem + ".logits.f64"))
        item = {"label": label, "stem": stem, "shape": list(x.shape), "classes": int(probs.shape[1])}
        if features:
            trace[features].astype("<f8").tofile(os.path.join(self.out, stem + ".features.f64"))
            item["features_shape"] = list(trace[features].shape)
        self.entry["inputs"].append(item)


def create_params(model, size, channels):
    params = {}
    predict(model, params, np.zeros((1, size, size, channels)), make_params)
    return params


def cnn_case(out, name, model, size, channels=3, write=write_model, expect=None, grey_too=True, fed=1.0, **kw):
    case = Case(out, name)
    params = create_params(model, size, channels)
    write(case.path(".h5"), model, params, **kw)
    case.reference(model, params, pixels(3, size, channels), "color", fed=fed)
    if grey_too:
        case.reference(model, params, pixels(2, size, channels, grey=True), "grey", fed=fed)
    case.entry["expect"] = expect or {}
    return case.entry, params


def resnet_cases(out, size=64):
    """The ImageNet notop weight file (random values) and the seed's transfer model on the same backbone."""
    backbone = L.resnet50v2([None, None, 3], trainable=False)
    transfer = L.sequential("sequential_2", [L.input_layer("sequential_input", [size, size, 3])] + L.seed_preprocessing(size) + [
        backbone, L.simple("GlobalAveragePooling2D", "global_average_pooling2d", data_format="channels_last", keepdims=False),
        L.dense("dense", 1024, "relu"), L.dense("dense_1", 3, "softmax")])
    params = create_params(transfer, size, 3)
    notop = Case(out, "resnet50v2_weights_tf_dim_ordering_tf_kernels_notop")
    write_weights(notop.path(".h5"), L.resnet50v2([None, None, 3]), params, version="2.2.4", top_level=False)
    x, grey = pixels(2, size), pixels(1, size, grey=True)
    notop.reference(transfer, params, x, "color", features="post_relu")
    notop.reference(transfer, params, grey, "grey", features="post_relu")
    notop.entry["expect"] = {"architecture": "resnet50v2", "kind": "notop"}
    seed = Case(out, "transfer64")
    write_model(seed.path(".h5"), transfer, params)
    seed.reference(transfer, params, x, "color", features="post_relu")
    seed.entry["expect"] = {"architecture": "resnet50v2", "size": size, "channels": 3, "classes": 3, "freeze_backbone": True}
    return [notop.entry, seed.entry]


def tuned_functional(size):
    """The tuned CNN as a tf.keras Functional model, with an activation layer after a linear Conv2D,
    Dropout after the hidden Dense and a Softmax layer after a linear output Dense."""
    m = L.Functional("model")
    x = m(L.input_layer("input_1", [size, size, 3]))
    x = m(L.random_rotation("random_rotation"), m(L.random_flip("random_flip"), m(L.rescaling("rescaling", 1.0 / 255), x)))
    x = m(L.activation("activation", "relu"), m(L.conv2d("conv2d", 16, 3, padding="same"), x))
    x = m(L.max_pooling("max_pooling2d"), x)
    x = m(L.max_pooling("max_pooling2d_1"), m(L.conv2d("conv2d_1", 16, 3, padding="same", activation="relu"), x))
    x = m(L.dropout("dropout", 0.3), m(L.dense("dense", 320, "relu"), m(L.flatten("flatten"), x)))
    x = m(L.simple("Softmax", "softmax", axis=-1), m(L.dense("dense_1", 3), x))
    return m.config(["input_1"], [x])


def keras224_cnn(size):
    """Standalone Keras 2.2.4: no InputLayer entry (the first layer carries batch_input_shape), layer
    names from 1, no Rescaling (the user scaled to [0, 1] outside), one channel, two classes."""
    first = L.conv2d("conv2d_1", 8, 3, padding="same", activation="relu")
    first["config"]["batch_input_shape"] = [None, size, size, 1]
    return L.sequential("sequential_1", [first, L.max_pooling("max_pooling2d_1"), L.conv2d("conv2d_2", 12, 3, padding="same", activation="relu"),
                                         L.max_pooling("max_pooling2d_2"), L.flatten("flatten_1"), L.dense("dense_1", 24, "relu"),
                                         L.dense("dense_2", 2, "softmax")])


def keras3_cnn(size):
    """Keras 3's legacy .h5: module/registered_name entries, batch_shape, dtype policies; Rescaling by
    1/127.5 (a scale without offset, which NeuroDx folds into the first convolution)."""
    layers = [L.input_layer("input_layer", [size, size, 3]), L.rescaling("rescaling", 1.0 / 127.5),
              L.conv2d("conv2d", 8, 3, padding="same", activation="relu"), L.max_pooling("max_pooling2d"),
              L.conv2d("conv2d_1", 8, 3, padding="same", activation="relu"), L.max_pooling("max_pooling2d_1"),
              L.flatten("flatten"), L.dense("dense", 16, "relu"), L.dense("dense_1", 3, "softmax")]
    return {"module": "keras", "class_name": "Sequential", "registered_name": None,
            "config": {"name": "sequential", "trainable": True, "layers": [L.keras3(l) for l in layers]}}


def broken_cases(out, vanilla_params):
    size = 32
    with open(os.path.join(out, "not_hdf5.h5"), "w") as f:
        f.write("this is a text file that someone named .h5\n")
    with h5py.File(os.path.join(out, "plain.h5"), "w") as f:
        f.create_dataset("x", data=np.arange(10.0))
        f.attrs["note"] = "an HDF5 file with no Keras attributes"
    with open(os.path.join(out, "vanilla32.h5"), "rb") as f:
        whole = f.read()
    with open(os.path.join(out, "truncated.h5"), "wb") as f:
        f.write(whole[:len(whole) // 2])
    bn = L.seed_cnn(size, 32, 64, 64)
    bn["config"]["layers"].insert(5, L.batch_norm("batch_normalization", epsilon=1e-3))
    params = dict(vanilla_params)
    params["batch_normalization"] = make_params("BatchNormalization", {}, (1, size, size, 32))
    write_model(os.path.join(out, "batchnorm_cnn.h5"), bn, params)
    offset = L.seed_cnn(size, 32, 64, 64)
    offset["config"]["layers"][1]["config"]["layers"][2] = L.rescaling("rescaling", 1.0 / 127.5, -1.0)
    write_model(os.path.join(out, "offset_rescaling.h5"), offset, vanilla_params)
    return [{"name": n, "file": n + ".h5", "broken": True}
            for n in ("not_hdf5", "plain", "truncated", "batchnorm_cnn", "offset_rescaling")]


def main():
    out, wanted = sys.argv[1], set(sys.argv[2:])
    everything = "all" in wanted
    os.makedirs(out, exist_ok=True)
    cases = []
    vanilla = L.seed_cnn(32, 32, 64, 64)
    entry, vanilla_params = cnn_case(out, "vanilla32", vanilla, 32, expect={"architecture": "vanilla", "size": 32, "channels": 3, "classes": 3})
    cases.append(entry)
    if everything or "weights" in wanted:
        case = Case(out, "vanilla32_weights")
        write_weights(case.path(".h5"), vanilla, vanilla_params)
        case.entry["inputs"] = entry["inputs"]
        case.entry["reference"] = "vanilla32"
        case.entry["expect"] = {"architecture": "vanilla", "size": 32, "channels": 3, "classes": 3}
        cases.append(case.entry)
        # The same with every name list split in chunks (as Keras does past 64 kB) and weight names
        # whose prefix is not the layer's (as after building a model twice in one session).
        case = Case(out, "vanilla32_chunked")
        write_weights(case.path(".h5"), vanilla, vanilla_params, limit=20, name_of=lambda l, k: l + "_7/" + k + ":0")
        case.entry.update({"inputs": entry["inputs"], "reference": "vanilla32", "expect": cases[-1]["expect"]})
        cases.append(case.entry)
    if everything or "vanilla256" in wanted:
        cases.append(cnn_case(out, "vanilla256", L.seed_cnn(256, 32, 64, 64), 256, grey_too=False,
                              expect={"architecture": "vanilla", "size": 256, "channels": 3, "classes": 3, "parameters": 16796867})[0])
    if everything or "variants" in wanted:
        cases.append(cnn_case(out, "tuned64", tuned_functional(64), 64,
                              expect={"architecture": "tuned", "size": 64, "channels": 3, "classes": 3, "dropout": 0.3,
                                      "class_names": ["AD", "CN", "MCI"]},
                              root_attrs={"class_names": json.dumps(["AD", "CN", "MCI"])})[0])
        cases.append(cnn_case(out, "keras224", keras224_cnn(16), 16, channels=1, version="2.2.4", top_level=False, fed=1.0 / 255,
                              expect={"architecture": "cnn", "size": 16, "channels": 1, "classes": 2})[0])
        cases.append(cnn_case(out, "keras3", keras3_cnn(32), 32, version="3.3.3", name_of=lambda l, k: "sequential/" + l + "/" + k,
                              expect={"architecture": "cnn", "size": 32, "channels": 3, "classes": 3})[0])
    if everything or "resnet" in wanted:
        cases += resnet_cases(out)
    if everything or "broken" in wanted:
        cases += broken_cases(out, vanilla_params)
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump({"cases": cases}, f, indent=1)


if __name__ == "__main__":
    main()
