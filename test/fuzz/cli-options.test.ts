// Fuzz: any command line reaches a command with well-typed options, or stops with commander's one-line error (exit 1) saying what to pass; nothing else is ever thrown.
import { type Command, CommanderError } from 'commander';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildProgram as buildGwsVcr } from '../../src/cli/commands.js';

interface Parsed {
  command: string;
  options: Record<string, unknown>;
}

/**
 * The gws-vcr program as the bin builds it (src/cli/main.ts), with every command's action replaced by one that
 * keeps the parsed options, and commander's exits and output turned into values.
 */
const buildProgram = (parsed: Parsed[], errors: string[]): Command => {
  const program = buildGwsVcr();
  const quiet = (cmd: Command): void => {
    cmd.exitOverride();
    cmd.configureOutput({ writeOut: () => {}, writeErr: (text) => errors.push(text) });
  };
  quiet(program);
  for (const cmd of program.commands) {
    quiet(cmd);
    cmd.action(() => {
      parsed.push({ command: cmd.name(), options: cmd.opts() });
    });
  }
  return program;
};

const COMMANDS = buildProgram([], []).commands.map((c) => ({
  name: c.name(),
  flags: c.options.map((o) => o.long ?? o.short ?? ''),
}));

/** A value a person (or a script gone wrong) may type after an option. */
const value = fc.oneof(
  fc.constantFrom(
    '0',
    '8080',
    '65535',
    '65536',
    '-1',
    '1.5',
    '1e3',
    'NaN',
    'Infinity',
    '',
    ' ',
    'abc',
    'latest',
  ),
  fc.constantFrom(
    'http://127.0.0.1:8080',
    'https://gws.example.com',
    'ftp://x',
    'http://',
    '//x',
    'javascript:alert(1)',
  ),
  fc.string({ maxLength: 20 }),
  fc.integer().map(String),
  fc.double().map(String),
);

/** A command line: a command, then options it knows and some it does not, each maybe with a value. */
const commandLine = fc.constantFrom(...COMMANDS).chain(({ name, flags }) =>
  fc
    .array(
      fc.oneof(
        fc.tuple(fc.constantFrom(...flags), fc.option(value, { nil: undefined })),
        fc.tuple(
          fc.string({ minLength: 1, maxLength: 12 }).map((s) => `--${s}`),
          fc.option(value, { nil: undefined }),
        ),
        fc.tuple(value, fc.constant(undefined)),
      ),
      { maxLength: 6 },
    )
    .map((pairs) => [name, ...pairs.flatMap(([flag, v]) => (v === undefined ? [flag] : [flag, v]))]),
);

const isPort = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 65535;

describe('command lines from outside', () => {
  it('either parse into well-typed options or stop with a one-line error and exit 1', async () => {
    const seen = { parsed: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(commandLine, async (argv) => {
        const parsed: Parsed[] = [];
        const errors: string[] = [];
        const program = buildProgram(parsed, errors);
        try {
          await program.parseAsync(argv, { from: 'user' });
        } catch (err) {
          if (!(err instanceof CommanderError)) throw err;
          if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return;
          seen.refused += 1;
          expect(err.exitCode, err.message).toBe(1);
          expect(errors.join('')).toMatch(/^error: .+/);
          expect(errors.join('')).toContain('(run with --help for usage)');
          return;
        }
        seen.parsed += 1;
        expect(parsed).toHaveLength(1);
        const options = parsed[0]?.options ?? {};
        for (const name of ['port', 'dashboard']) {
          if (options[name] !== undefined)
            expect(isPort(options[name]), `${name}=${String(options[name])}`).toBe(true);
        }
        if (options.upstream !== undefined) expect((options.upstream as URL).protocol).toMatch(/^https?:$/);
        if (parsed[0]?.command === 'record' && options.upstream !== undefined)
          expect((options.upstream as URL).pathname).toBe('/');
        if (options.notificationsPath !== undefined)
          expect(options.notificationsPath as string).toMatch(/^\/[^?#\s]*$/);
        for (const name of ['speed', 'maxBody', 'jitter', 'latency', 'thinkMs', 'window', 'seed']) {
          if (options[name] !== undefined) expect(Number.isFinite(options[name]), `${name}`).toBe(true);
        }
        if (options.speed !== undefined) expect(options.speed as number).toBeGreaterThan(0);
      }),
      { numRuns: 400 },
    );
    // both outcomes above were reached often, so each check had something to check
    expect(seen.parsed).toBeGreaterThan(20);
    expect(seen.refused).toBeGreaterThan(100);
  });

  it('name the option and say what to pass when a value is wrong', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['record', '--upstream', 'ftp://x'], /--upstream.*not an http\(s\) URL; pass e\.g\./],
      // Only the origin is forwarded to: a path or credentials would be dropped without a word.
      [
        ['record', '--upstream', 'http://gws:8080/gws/api/v2'],
        /--upstream.*has the path \/gws\/api\/v2; pass the origin only, e\.g\. http:\/\/gws:8080/,
      ],
      [['record', '--upstream', 'http://u:p@gws:8080'], /--upstream.*has credentials; pass the origin only/],
      [
        ['record', '--upstream', 'http://gws', '--notifications-path', 'api/v2/notifications'],
        /--notifications-path.*not a URL path; pass one that starts with '\/'/,
      ],
      [['import', 'x.har', '--notifications-path', '/cometd?x'], /--notifications-path.*not a URL path/],
      [['simulate', '--port', '70000'], /--port.*not a port; pass a whole number from 0 to 65535/],
      [['replay', '--speed', '0'], /--speed.*not a number > 0/],
    ];
    for (const [argv, message] of cases) {
      const errors: string[] = [];
      await expect(buildProgram([], errors).parseAsync(argv, { from: 'user' })).rejects.toBeInstanceOf(
        CommanderError,
      );
      expect(errors.join(''), argv.join(' ')).toMatch(message);
    }
  });
});
