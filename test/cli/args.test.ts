import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCommand, UsageError } from '../../cli/args.js';

test('parses each command with its options', () => {
  assert.deepEqual(parseCommand(['train', '--data', 'd', '--epochs', '5', '--max-per-class', '9', '--seed', '0', '--json']), {
    command: 'train', data: 'd', epochs: 5, maxPerClass: 9, seed: 0, common: { json: true },
  });
  assert.deepEqual(parseCommand(['predict', 'a.jpg', 'dir', '--model', 'x', '--home', 'h']), {
    command: 'predict', inputs: ['a.jpg', 'dir'], model: 'x', common: { json: false, home: 'h' },
  });
  assert.deepEqual(parseCommand(['eval', '--data', 'd']), { command: 'eval', data: 'd', common: { json: false } });
  assert.equal(parseCommand([]).command, 'help');
  assert.equal(parseCommand(['train', '--help']).command, 'help');
});

test('bad usage is a UsageError with a useful message', () => {
  const cases: Array<[string[], RegExp]> = [
    [['fly'], /unknown command "fly"/],
    [['train'], /train needs --data DIR/],
    [['train', '--data', 'd', '--epochs', 'many'], /--epochs takes a whole number >= 1, not "many"/],
    [['train', '--data', 'd', '--epochs', '0'], /--epochs takes a whole number >= 1/],
    [['train', '--data', 'd', '--base', 'resnet'], /--base must be one of face-expression, mobilenet-v2/],
    [['train', '--data', 'd', '--validation-split', '1.5'], /--validation-split takes a fraction/],
    [['eval', '--data', 'd', '--epochs', '3'], /--epochs does not apply to "eval"/],
    [['predict'], /predict needs at least one image/],
    [['predict', 'x', '--colour'], /Unknown option '--colour'/],
    [['eval', '--data', 'd', 'extra'], /unexpected argument "extra"/],
    [['predict', 'x', '--backend', 'tpu'], /--backend must be one of gpu, native-cpu, wasm, cpu/],
  ];
  for (const [argv, msg] of cases) assert.throws(() => parseCommand(argv), (e: Error) => e instanceof UsageError && msg.test(e.message), argv.join(' '));
});
