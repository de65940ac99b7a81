import * as tf from '@tensorflow/tfjs';

/**
 * MobileNetV2 (Sandler et al. 2018) built with tf.layers, random weights, no top: the same architecture
 * the app downloads, at a small width and input so that tests stay fast.
 */
export function buildMobileNetV2(inputSize = 96, alpha = 0.35): tf.LayersModel {
  const makeDivisible = (v: number) => Math.max(8, Math.floor((v + 4) / 8) * 8);
  const input = tf.input({ shape: [inputSize, inputSize, 3] });
  const convBn = (x: tf.SymbolicTensor, filters: number, kernel: number, strides: number, relu = true) => {
    let y = tf.layers.conv2d({ filters, kernelSize: kernel, strides, padding: 'same', useBias: false }).apply(x) as tf.SymbolicTensor;
    y = tf.layers.batchNormalization().apply(y) as tf.SymbolicTensor;
    return relu ? (tf.layers.reLU({ maxValue: 6 }).apply(y) as tf.SymbolicTensor) : y;
  };
  let x = convBn(input, makeDivisible(32 * alpha), 3, 2);
  let channels = makeDivisible(32 * alpha);
  const settings: Array<[number, number, number, number]> = [
    [1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1],
  ];
  for (const [t, c, n, s] of settings) {
    const out = makeDivisible(c * alpha);
    for (let i = 0; i < n; i++) {
      const stride = i === 0 ? s : 1;
      let y = t === 1 ? x : convBn(x, channels * t, 1, 1);
      y = tf.layers.depthwiseConv2d({ kernelSize: 3, strides: stride, padding: 'same', useBias: false }).apply(y) as tf.SymbolicTensor;
      y = tf.layers.batchNormalization().apply(y) as tf.SymbolicTensor;
      y = tf.layers.reLU({ maxValue: 6 }).apply(y) as tf.SymbolicTensor;
      y = convBn(y, out, 1, 1, false);
      x = stride === 1 && channels === out ? (tf.layers.add().apply([x, y]) as tf.SymbolicTensor) : y;
      channels = out;
    }
  }
  x = convBn(x, 1280, 1, 1); // the last block keeps 1280 channels at any alpha < 1
  return tf.model({ inputs: input, outputs: x, name: 'mobilenetv2_test' });
}
