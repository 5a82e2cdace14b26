# Keras layer configs as Keras serialises them into model_config (tf.keras 2.9 field names; Keras 3
# adds "module"/"registered_name" around each entry, see keras3()), and the models the seed built
# from them. Written from Keras' sources: keras/layers/*, keras/applications/resnet.py (ResNet50V2:
# stack2/block2 with names convN_blockM_{preact_bn,0_conv,1_conv,1_bn,2_pad,2_conv,2_bn,3_conv,out}).


def _common(name, trainable=True):
    return {"name": name, "trainable": trainable, "dtype": "float32"}


def input_layer(name, shape):
    return {"class_name": "InputLayer",
            "config": {"batch_input_shape": [None] + list(shape), "dtype": "float32", "sparse": False, "ragged": False, "name": name}}


def conv2d(name, filters, kernel, strides=1, padding="valid", activation="linear", use_bias=True, trainable=True):
    c = _common(name, trainable)
    c.update({"filters": filters, "kernel_size": [kernel, kernel], "strides": [strides, strides], "padding": padding,
              "data_format": "channels_last", "dilation_rate": [1, 1], "groups": 1, "activation": activation, "use_bias": use_bias,
              "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
              "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": None, "bias_regularizer": None,
              "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None})
    return {"class_name": "Conv2D", "config": c}


def dense(name, units, activation="linear", trainable=True):
    c = _common(name, trainable)
    c.update({"units": units, "activation": activation, "use_bias": True,
              "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
              "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": None, "bias_regularizer": None,
              "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None})
    return {"class_name": "Dense", "config": c}


def max_pooling(name, pool=2, strides=None, trainable=True):
    c = _common(name, trainable)
    c.update({"pool_size": [pool, pool], "padding": "valid", "strides": [strides or pool, strides or pool], "data_format": "channels_last"})
    return {"class_name": "MaxPooling2D", "config": c}


def zero_padding(name, pad, trainable=True):
    c = _common(name, trainable)
    c.update({"padding": [[pad, pad], [pad, pad]], "data_format": "channels_last"})
    return {"class_name": "ZeroPadding2D", "config": c}


def batch_norm(name, trainable=True, epsilon=1.001e-5):
    c = _common(name, trainable)
    c.update({"axis": [3], "momentum": 0.99, "epsilon": epsilon, "center": True, "scale": True,
              "beta_initializer": {"class_name": "Zeros", "config": {}}, "gamma_initializer": {"class_name": "Ones", "config": {}},
              "moving_mean_initializer": {"class_name": "Zeros", "config": {}},
              "moving_variance_initializer": {"class_name": "Ones", "config": {}},
              "beta_regularizer": None, "gamma_regularizer": None, "beta_constraint": None, "gamma_constraint": None})
    return {"class_name": "BatchNormalization", "config": c}


def activation(name, function, trainable=True):
    c = _common(name, trainable)
    c["activation"] = function
    return {"class_name": "Activation", "config": c}


def simple(class_name, name, **fields):
    c = _common(name)
    c.update(fields)
    return {"class_name": class_name, "config": c}


def flatten(name):
    return simple("Flatten", name, data_format="channels_last")


def rescaling(name, scale, offset=0.0):
    return simple("Rescaling", name, scale=scale, offset=offset)


def resizing(name, size):
    return simple("Resizing", name, height=size, width=size, interpolation="bilinear", crop_to_aspect_ratio=False)


def random_flip(name):
    return simple("RandomFlip", name, mode="horizontal_and_vertical", seed=42)


def random_rotation(name):
    return simple("RandomRotation", name, factor=0.1, fill_mode="reflect", fill_value=0.0, interpolation="bilinear", seed=42)


def dropout(name, rate):
    return simple("Dropout", name, rate=rate, noise_shape=None, seed=None)


def sequential(name, layers):
    return {"class_name": "Sequential", "config": {"name": name, "layers": layers}}


class Functional:
    """Builds a Functional model's config the way Keras' get_config lists it: layer entries with
    "name" and "inbound_nodes" ([[[inbound_layer, node_index, tensor_index, kwargs], ...]])."""

    def __init__(self, name, class_name="Functional"):
        self.name, self.class_name, self.layers = name, class_name, []

    def __call__(self, entry, *inputs):
        e = dict(entry)
        e["name"] = entry["config"]["name"]
        e["inbound_nodes"] = [[[n, 0, 0, {}] for n in inputs]] if inputs else []
        self.layers.append(e)
        return e["name"]

    def config(self, inputs, outputs):
        return {"class_name": self.class_name,
                "config": {"name": self.name, "layers": self.layers, "input_layers": [[n, 0, 0] for n in inputs],
                           "output_layers": [[n, 0, 0] for n in outputs]}}


def seed_preprocessing(size):
    """The seed's resize_and_rescale and data_augmentation Sequentials."""
    return [sequential("sequential", [input_layer("resizing_input", [None, None, 3]), resizing("resizing", size),
                                      rescaling("rescaling", 1.0 / 255)]),
            sequential("sequential_1", [input_layer("random_flip_input", [size, size, 3]), random_flip("random_flip"),
                                        random_rotation("random_rotation")])]


def seed_cnn(size, filters1, filters2, units, classes=3):
    """The seed's vanilla/tuned CNN as its notebook built it: Sequential([resize_and_rescale,
    data_augmentation, Conv2D, MaxPooling2D, Conv2D, MaxPooling2D, Flatten, Dense, Dense])."""
    return sequential("sequential_2", [input_layer("sequential_input", [size, size, 3])] + seed_preprocessing(size) + [
        conv2d("conv2d", filters1, 3, padding="same", activation="relu"), max_pooling("max_pooling2d"),
        conv2d("conv2d_1", filters2, 3, padding="same", activation="relu"), max_pooling("max_pooling2d_1"),
        flatten("flatten"), dense("dense", units, "relu"), dense("dense_1", classes, "softmax")])


def resnet50v2(input_shape, trainable=True):
    """keras.applications.ResNet50V2(include_top=False) as a Functional config, following resnet.py."""
    m = Functional("resnet50v2")
    pools = iter(["max_pooling2d", "max_pooling2d_1", "max_pooling2d_2"])  # MaxPooling2D(1, strides) get automatic names
    t = trainable

    def block(x, filters, name, stride=1, conv_shortcut=False):
        preact = m(activation(name + "_preact_relu", "relu", t), m(batch_norm(name + "_preact_bn", t), x))
        if conv_shortcut:
            shortcut = m(conv2d(name + "_0_conv", 4 * filters, 1, strides=stride, trainable=t), preact)
        else:
            shortcut = m(max_pooling(next(pools), 1, stride, t), x) if stride > 1 else x
        y = m(conv2d(name + "_1_conv", filters, 1, use_bias=False, trainable=t), preact)
        y = m(activation(name + "_1_relu", "relu", t), m(batch_norm(name + "_1_bn", t), y))
        y = m(zero_padding(name + "_2_pad", 1, t), y)
        y = m(conv2d(name + "_2_conv", filters, 3, strides=stride, use_bias=False, trainable=t), y)
        y = m(activation(name + "_2_relu", "relu", t), m(batch_norm(name + "_2_bn", t), y))
        y = m(conv2d(name + "_3_conv", 4 * filters, 1, trainable=t), y)
        return m(simple("Add", name + "_out", trainable=t), shortcut, y)

    def stack(x, filters, blocks, stride1, name):
        x = block(x, filters, name + "_block1", conv_shortcut=True)
        for i in range(2, blocks):
            x = block(x, filters, name + "_block" + str(i))
        return block(x, filters, name + "_block" + str(blocks), stride=stride1)

    x = m(input_layer("input_1", input_shape))
    x = m(conv2d("conv1_conv", 64, 7, strides=2, trainable=t), m(zero_padding("conv1_pad", 3, t), x))
    x = m(max_pooling("pool1_pool", 3, 2, t), m(zero_padding("pool1_pad", 1, t), x))
    x = stack(x, 64, 3, 2, "conv2")
    x = stack(x, 128, 4, 2, "conv3")
    x = stack(x, 256, 6, 2, "conv4")
    x = stack(x, 512, 3, 1, "conv5")
    x = m(activation("post_relu", "relu", t), m(batch_norm("post_bn", t), x))
    return m.config(["input_1"], [x])


def keras3(entry):
    """A layer entry as Keras 3 serialises it (module, registered_name, dtype policy, batch_shape)."""
    e = {"module": "keras.layers", "class_name": entry["class_name"], "config": dict(entry["config"]), "registered_name": None}
    c = e["config"]
    if "batch_input_shape" in c:
        c["batch_shape"] = c.pop("batch_input_shape")
        c.pop("ragged", None)
    if "dtype" in c and entry["class_name"] != "InputLayer":
        c["dtype"] = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": None}
    return e
