# What Keras computes for a model_config and its weights, in NumPy (float64): an interpreter of the
# config that follows Keras' semantics for inference. Channels-last tensors (N, H, W, C); Conv2D
# kernels (kh, kw, in, out) with 'same' padding = (k - 1) / 2 zeros per side for stride 1 and 'valid'
# = none; MaxPooling2D floors; Flatten reads (h, w, c); Dense is x @ kernel + bias; BatchNormalization
# at inference is (x - moving_mean) / sqrt(moving_variance + epsilon) * gamma + beta; random
# augmentation layers and Dropout are the identity at inference.
import numpy as np

MODELS = ("Sequential", "Functional", "Model")


def _act(x, name):
    if name in ("linear", None):
        return x
    if name == "relu":
        return np.maximum(x, 0.0)
    if name == "softmax":
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    raise ValueError("activation " + name)


def _conv(x, kernel, stride):
    """'valid' convolution (cross-correlation, as TensorFlow computes it) by im2col."""
    n, h, w, c = x.shape
    kh, kw, _, out = kernel.shape
    ho, wo = (h - kh) // stride + 1, (w - kw) // stride + 1
    cols = np.empty((n, ho, wo, kh, kw, c))
    for i in range(kh):
        for j in range(kw):
            cols[:, :, :, i, j, :] = x[:, i:i + stride * (ho - 1) + 1:stride, j:j + stride * (wo - 1) + 1:stride, :]
    return (cols.reshape(-1, kh * kw * c) @ kernel.reshape(kh * kw * c, out)).reshape(n, ho, wo, out)


def _pad(x, p):
    return np.pad(x, ((0, 0), (p, p), (p, p), (0, 0)))


def _max_pool(x, pool, stride):
    n, h, w, c = x.shape
    ho, wo = (h - pool) // stride + 1, (w - pool) // stride + 1
    out = np.full((n, ho, wo, c), -np.inf)
    for i in range(pool):
        for j in range(pool):
            out = np.maximum(out, x[:, i:i + stride * (ho - 1) + 1:stride, j:j + stride * (wo - 1) + 1:stride, :])
    return out


class Reference:
    def __init__(self, params, make=None):
        self.params = params  # layer name -> {"kernel": array, "bias": ..., "gamma": ...}
        self.make = make      # make(class_name, config, input_shape) -> params, for layers that have none yet
        self.trace = {}       # layer name -> output; "logits:softmax" -> the input of the final softmax

    def model(self, entry, x):
        config = entry["config"]
        layers = config if isinstance(config, list) else config["layers"]
        if entry["class_name"] == "Sequential":
            for layer in layers:
                x = self.layer(layer, x)
            return x
        outputs = {}
        for layer in layers:
            name = layer["config"]["name"]
            if layer["class_name"] == "InputLayer":
                outputs[name] = x
                continue
            inputs = [outputs[node[0]] for node in layer["inbound_nodes"][0]]
            outputs[name] = self.layer(layer, inputs[0] if len(inputs) == 1 else inputs)
        return outputs[config["output_layers"][0][0]]

    def layer(self, entry, x):
        kind, c = entry["class_name"], entry["config"]
        if kind in MODELS:
            return self.model(entry, x)
        name = c["name"]
        if name not in self.params and self.make is not None and kind in ("Conv2D", "Dense", "BatchNormalization"):
            self.params[name] = self.make(kind, c, x.shape)
        y = self._layer(kind, c, self.params.get(name, {}), x)
        self.trace[name] = y
        return y

    def _layer(self, kind, c, p, x):
        if kind in ("InputLayer", "RandomFlip", "RandomRotation", "Dropout"):
            return x
        if kind == "Resizing":
            assert x.shape[1:3] == (c["height"], c["width"]), "inputs are given at the model's size"
            return x
        if kind == "Rescaling":
            return x * c["scale"] + c["offset"]
        if kind == "Conv2D":
            k = p["kernel"].astype(np.float64)
            if c["padding"] == "same":
                assert c["strides"] == [1, 1]
                x = _pad(x, (k.shape[0] - 1) // 2)
            y = _conv(x, k, c["strides"][0])
            if c["use_bias"]:
                y = y + p["bias"]
            return _act(y, c["activation"])
        if kind == "ZeroPadding2D":
            return _pad(x, c["padding"][0][0])
        if kind == "MaxPooling2D":
            return _max_pool(x, c["pool_size"][0], c["strides"][0])
        if kind == "BatchNormalization":
            return (x - p["moving_mean"]) / np.sqrt(p["moving_variance"].astype(np.float64) + c["epsilon"]) * p["gamma"] + p["beta"]
        if kind == "Activation":
            return _act(x, c["activation"])
        if kind == "ReLU":
            return np.maximum(x, 0.0)
        if kind == "Softmax":
            self.trace["logits:softmax"] = x
            return _act(x, "softmax")
        if kind == "Add":
            return x[0] + x[1]
        if kind == "Flatten":
            return x.reshape(x.shape[0], -1)
        if kind == "GlobalAveragePooling2D":
            return x.mean(axis=(1, 2))
        if kind == "Dense":
            y = x @ p["kernel"].astype(np.float64) + p["bias"]
            if c["activation"] == "softmax":
                self.trace["logits:softmax"] = y
            return _act(y, c["activation"])
        raise ValueError("no reference for " + kind)


def predict(model_config, params, x, make=None):
    """(probabilities, logits, trace) for inputs x (N, H, W, C raw pixel values); with `make`,
    layers without parameters get them (the first pass of a test model creates its weights)."""
    ref = Reference(params, make)
    probs = ref.model(model_config, x.astype(np.float64))
    return probs, ref.trace.get("logits:softmax", probs), ref.trace
