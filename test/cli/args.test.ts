import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { didYouMean, expandPath, parseCommand, usage, UsageError } from '../../cli/args.js';
import { DEFAULT_HYPERPARAMETERS } from '../../common/defaults.js';

const CWD = '/work/here';

test('parses each command with its options; paths are resolved against the user\'s folder', () => {
  assert.deepEqual(parseCommand(['train', '--data', 'd', '--epochs', '5', '--max-per-class', '9', '--seed', '0', '--learning-rate', '0.01', '--json'], CWD), {
    command: 'train', data: '/work/here/d', epochs: 5, maxPerClass: 9, seed: 0, learningRate: 0.01, use: false, common: { json: true, verbose: false },
  });
  assert.deepEqual(parseCommand(['predict', 'a.jpg', '/abs/dir', '--model', 'zero-shot', '--home', 'h', '--recursive'], CWD), {
    command: 'predict', inputs: ['/work/here/a.jpg', '/abs/dir'], model: 'zero-shot', recursive: true, common: { json: false, verbose: false, home: '/work/here/h' },
  });
  assert.deepEqual(parseCommand(['eval', '--data', 'd'], CWD), { command: 'eval', data: '/work/here/d', common: { json: false, verbose: false } });
  // without --data: the model's own validation images; --report takes a folder
  assert.deepEqual(parseCommand(['eval', '--model', '20261128-101530-ab12', '--report', 'out'], CWD), { command: 'eval', model: '20261128-101530-ab12', report: '/work/here/out', common: { json: false, verbose: false } });
  assert.throws(() => parseCommand(['train', '--report', 'out'], CWD), /--report does not apply to "train"/);
  assert.throws(() => parseCommand(['train'], CWD), /train needs --data DIR/);
  assert.deepEqual(parseCommand(['retrain', '--data', 'd', '--use'], CWD), { command: 'retrain', data: '/work/here/d', use: true, common: { json: false, verbose: false } });
});

test('help: no command is help with exit 2; --help, help COMMAND and COMMAND --help exit 0; --version', () => {
  assert.deepEqual(parseCommand([]), { command: 'help', exitCode: 2 });
  assert.deepEqual(parseCommand(['--help']), { command: 'help', exitCode: 0 });
  assert.deepEqual(parseCommand(['help', 'train']), { command: 'help', topic: 'train', exitCode: 0 });
  assert.deepEqual(parseCommand(['train', '--help']), { command: 'help', topic: 'train', exitCode: 0 });
  assert.deepEqual(parseCommand(['predict', '-h']), { command: 'help', topic: 'predict', exitCode: 0 });
  assert.equal(parseCommand(['--version']).command, 'version');
  assert.throws(() => parseCommand(['help', 'trian']), /unknown command "trian"; did you mean "train"\?/);
});

test('each command\'s help lists every option it takes, with its default', () => {
  const train = usage('train');
  for (const opt of ['--data', '--base', '--epochs', '--batch-size', '--learning-rate', '--seed', '--max-per-class', '--validation-split', '--use', '--base-url', '--base-dir', '--home', '--backend', '--json', '--verbose']) {
    assert.match(train, new RegExp(`${opt}\\b`), `train help lists ${opt}`);
  }
  assert.match(train, new RegExp(`--epochs N .*\\[default: ${DEFAULT_HYPERPARAMETERS.epochs}\\]`));
  assert.match(train, new RegExp(`--batch-size N .*\\[default: ${DEFAULT_HYPERPARAMETERS.batchSize}\\]`));
  assert.match(train, /--learning-rate F .*\[default: 0\.001\]/);
  assert.match(train, /--seed N .*\[default: 42\]/);
  assert.match(train, /--validation-split F .*\[default: 0\.2\]/);
  // a retrain takes its starting model's
  assert.match(usage('retrain'), /--seed N .*\[default: the starting model's\]/);
  assert.match(usage('retrain'), /--validation-split F .*\[default: the starting model's on its own folder, else 0\.2\]/);
  assert.match(usage('retrain'), /--max-per-class N .*\[default: the starting model's on its own folder, else all\]/);
  assert.doesNotMatch(usage('eval'), /--epochs/);
  assert.match(usage('predict'), /--recursive/);
  assert.match(usage(), /happysad help COMMAND/);
});

test('bad usage is a UsageError in plain words', () => {
  const cases: Array<[string[], RegExp]> = [
    [['fly'], /unknown command "fly" \(commands: train, retrain, eval, predict, library, models\)/],
    [['trian', '--data', 'd'], /unknown command "trian"; did you mean "train"\?/],
    [['predcit', 'x'], /did you mean "predict"\?/],
    [['train'], /train needs --data DIR/],
    [['train', '--data', 'd', '--epochs', 'many'], /--epochs takes a whole number from 1 to 1000, not "many"/],
    [['train', '--data', 'd', '--epochs', '0'], /--epochs takes a whole number from 1 to 1000/],
    [['train', '--data', 'd', '--epochs', '100000'], /^--epochs takes a whole number from 1 to 1000, not "100000"$/],
    [['train', '--data', 'd', '--batch-size', '100000'], /^--batch-size takes a whole number from 1 to 4096, not "100000"$/],
    [['train', '--data', 'd', '--seed', '99999999999999999999'], /^--seed takes a whole number from 0 to 2147483647, not "99999999999999999999"$/],
    [['retrain', '--library', '--include-unreviewed', '--min-confidence', '0.2'], /^--min-confidence takes a number from 0.5 to 1 \(e.g. 0.9\), not "0.2"$/],
    [['train', '--data', 'd', '--learning-rate', '5'], /^--learning-rate takes a number above 0, at most 1 \(e.g. 0.001\), not "5"$/],
    [['train', '--data', 'd', '--max-per-class', '-5'], /^--max-per-class takes a whole number of at least 1, not "-5"$/],
    [['train', '--data', 'd', '--base', 'resnet'], /--base must be one of face-expression, face-expression-emotion, mobilenet-v2, not "resnet"/],
    [['train', '--data', 'd', '--validation-split', '1.5'], /--validation-split takes a fraction between 0 and 1/],
    [['train', '--data', 'd', '--learning-rate', '-1'], /--learning-rate takes a number above 0, at most 1/],
    [['eval', '--data', 'd', '--epochs', '3'], /--epochs does not apply to "eval"/],
    [['predict'], /predict needs at least one image/],
    [['predict', 'x', '--modle', 'y'], /^unknown option --modle; did you mean --model\?$/],
    [['predict', 'x', '--colour'], /^unknown option --colour$/],
    [['predict', 'x', '--model'], /^--model needs a value \(ID\)$/],
    // a --model that cannot name a model: bad usage (exit 2), as "models use nope" is
    [['predict', 'x', '--model', 'nope'], /^--model takes a model id \(they look like 20261128-101530-ab12\), "current" or "zero-shot", not "nope"/],
    [['eval', '--model', 'nope-123'], /^--model takes a model id .*not "nope-123"/],
    [['retrain', '--data', 'd', '--model', 'latest'], /^--model takes a model id .*not "latest"/],
    [['eval', '--data', 'd', 'extra'], /unexpected argument "extra"/],
    [['predict', 'x', '--backend', 'tpu'], /--backend must be one of gpu, native-cpu, wasm, cpu, not "tpu"/],
    [['predict', 'x', '--home', ''], /--home needs a value; it was given an empty one/],
    [['predict', 'x', '--model='], /--model needs a value; it was given an empty one/],
    [['train', '--data', ''], /--data needs a value; it was given an empty one/],
    [['train', '--data', 'd', '--base-url', 'http://x/model.json'], /--base-url only applies with --base mobilenet-v2/],
    [['train', '--data', 'd', '--base-dir', 'm'], /--base-dir only applies with --base mobilenet-v2/],
  ];
  for (const [argv, msg] of cases) assert.throws(() => parseCommand(argv, CWD), (e: Error) => e instanceof UsageError && msg.test(e.message), `${argv.join(' ')}`);
  assert.throws(() => parseCommand(['predict', ''], CWD), /^UsageError: predict was given an empty path; name an image or folder \(use \. for this folder\)$/);
  // an unknown option points at its command's help
  for (const [argv, command] of [[['predict', 'x', '--bogus'], 'predict'], [['--bogus', 'eval'], 'eval'], [['train', '--data'], 'train'], [['--home', 'x', 'predict', '--bogus'], 'predict']] as const) {
    assert.throws(() => parseCommand([...argv], CWD), (e: Error) => e instanceof UsageError && e.command === command, argv.join(' '));
  }
  // ranges are in the help, from the same bounds
  assert.match(usage('train'), /--epochs N +.*\(1\.\.1000\) \[default: 40\]/);
  assert.match(usage('retrain'), /--min-confidence F +.*\(0\.5\.\.1\) \[default: 0\.9\]/);
  assert.equal(parseCommand(['train', '--data', 'd', '--base', 'mobilenet-v2', '--base-dir', 'm'], CWD).command, 'train');
});

test('"~" is the home folder, in --opt VALUE and --opt=VALUE alike', () => {
  assert.equal(expandPath('~', CWD, '/home/u'), '/home/u');
  assert.equal(expandPath('~/hs', CWD, '/home/u'), '/home/u/hs');
  assert.equal(expandPath('x/~', CWD, '/home/u'), '/work/here/x/~');
  const cmd = parseCommand(['predict', '~/a.jpg', '--home=~/hs'], CWD);
  assert.ok(cmd.command === 'predict');
  assert.equal(cmd.common.home, join(homedir(), 'hs'));
  assert.deepEqual(cmd.inputs, [join(homedir(), 'a.jpg')]);
});

test('did you mean: close words only', () => {
  assert.equal(didYouMean('trian', ['train', 'eval']), 'train');
  assert.equal(didYouMean('xyzzy', ['train', 'eval']), null);
});

test('library, models and retrain --library: parsed with their actions; options that do not apply are refused', () => {
  const common = { json: false, verbose: false };
  assert.deepEqual(parseCommand(['predict', 'a.jpg', '--save'], CWD), { command: 'predict', inputs: ['/work/here/a.jpg'], recursive: false, save: true, common });
  assert.deepEqual(parseCommand(['library', 'list', '--label', 'sad', '--review', 'unreviewed', '--sort', 'least-sure', '--limit', '50'], CWD), {
    command: 'library', action: 'list', label: 'sad', review: 'unreviewed', sort: 'least-sure', limit: 50, common,
  });
  assert.deepEqual(parseCommand(['library', 'correct', '0a1b2c3d', 'photos/x.jpg', '--label', 'happy', '--json'], CWD), {
    command: 'library', action: 'correct', images: ['0a1b2c3d', '/work/here/photos/x.jpg'], label: 'happy', common: { json: true, verbose: false },
  });
  assert.deepEqual(parseCommand(['library', 'undo'], CWD), { command: 'library', action: 'undo', common });
  assert.deepEqual(parseCommand(['models', 'use', '20261128-101530-ab12'], CWD), { command: 'models', action: 'use', id: '20261128-101530-ab12', common });
  assert.deepEqual(parseCommand(['models', 'list', '--json'], CWD), { command: 'models', action: 'list', common: { json: true, verbose: false } });
  assert.deepEqual(parseCommand(['models', 'import', 'exported/happysad-model-x', '--use'], CWD), { command: 'models', action: 'import', dir: join(CWD, 'exported/happysad-model-x'), use: true, common });
  assert.deepEqual(parseCommand(['models', 'import', '/m'], CWD), { command: 'models', action: 'import', dir: '/m', use: false, common });
  assert.deepEqual(parseCommand(['retrain', '--library', '--include-unreviewed', '--min-confidence', '0.95', '--epochs', '7'], CWD), {
    command: 'retrain-library', includeUnreviewed: true, minConfidence: 0.95, epochs: 7, use: false, dryRun: false, common,
  });
  assert.deepEqual(parseCommand(['retrain', '--library', '--dry-run', '--use'], CWD), { command: 'retrain-library', includeUnreviewed: false, use: true, dryRun: true, common });
  const cases: Array<[string[], RegExp]> = [
    [['library'], /library needs an action: list, confirm, correct, delete, undo/],
    [['library', 'confrim', 'abc123'], /unknown library action "confrim"; did you mean "confirm"\?/],
    [['library', 'confirm'], /library confirm needs at least one image/],
    [['library', 'confirm', 'abcdef', '--label', 'sad'], /--label does not apply to "library confirm"/],
    [['library', 'delete', 'abcdef', '--sort', 'newest'], /--sort only applies to "library list"/],
    [['library', 'list', '--review', 'maybe'], /--review must be one of unreviewed, confirmed, corrected/],
    [['library', 'list', '--epochs', '3'], /--epochs does not apply to "library"/],
    [['models'], /models needs an action: list, use, delete, import/],
    [['models', 'import'], /^models import needs the folder of an exported model \(happysad-model-<id>\)$/],
    [['models', 'import', '/a', '/b'], /^unexpected argument "\/b"$/],
    [['models', 'use', '20261128-101530-ab12', '--use'], /^--use does not apply to "models use"$/],
    [['models', 'list', '--use'], /^--use does not apply to "models list" \(it goes with "models import"\)$/],
    [['models', 'use'], /models use needs a model id/],
    [['models', 'remove', 'x'], /unknown models action "remove"/],
    [['models', 'use', 'nonexist'], /^"nonexist" is not a model id \(they look like 20261128-101530-ab12; see "happysad models list"\)$/],
    [['models', 'delete', 'current'], /^models delete takes a model's id, not "current" \(see "happysad models list"; the current model cannot be deleted: make another one current first\)$/],
    [['models', 'use', 'zero-shot'], /^models use takes a model's id, not "zero-shot"/],
    [['retrain', '--library', '--data', 'd'], /--data does not apply to "retrain --library"/],
    [['retrain', '--library', '--min-confidence', '0.9'], /--min-confidence only applies with --include-unreviewed/],
    [['retrain', '--library', '--include-unreviewed', '--min-confidence', '0.3'], /--min-confidence takes a number from 0.5 to 1/],
    [['retrain', '--data', 'd', '--include-unreviewed'], /--include-unreviewed only applies with --library/],
    [['train', '--data', 'd', '--library'], /--library does not apply to "train"/],
    [['eval', '--data', 'd', '--save'], /--save does not apply to "eval"/],
  ];
  for (const [argv, msg] of cases) assert.throws(() => parseCommand(argv, CWD), (e: Error) => e instanceof UsageError && msg.test(e.message), `${argv.join(' ')}: ${(() => { try { parseCommand(argv, CWD); return 'no error'; } catch (e) { return (e as Error).message; } })()}`);
  assert.match(usage('retrain'), /--include-unreviewed/);
  assert.match(usage('library'), /--sort ORDER .*least-sure/);
  assert.match(usage(), /library +the saved predictions/);
  assert.match(usage(), /models +the saved model versions/);
});
