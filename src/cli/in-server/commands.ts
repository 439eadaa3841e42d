// Which `calos` commands may run inside the server that holds the embedded databases (PGlite
// lets one process open them), so that an operator of `npm start` need not stop it to grant a
// role or read a report. The rest would pull the databases from under the running services.

export const CLI_PATH = '/_calos/cli';

/** Why this command cannot run inside a running server, or undefined when it can. */
export function refusalInServer(argv: readonly string[]): string | undefined {
  const [command, sub] = argv.filter((arg) => !arg.startsWith('-'));
  switch (command) {
    case 'plans':
    case 'staff':
    case 'clients':
    case 'moderation':
    case 'affiliate':
    case 'import':
    case 'seed':
      return undefined;
    case 'keys':
      // A new signing key is picked up by the services as they sign; a new master key is not:
      // the running services keep the old one in memory and could no longer read the secrets.
      return sub === 'rotate-signing' ? undefined : 'calos keys rotate-master needs the server stopped';
    case 'migrate':
      return sub === 'status' ? undefined : `calos migrate ${sub ?? ''}`.trim() + STOP;
    case 'doctor':
      return 'calos doctor asks the running server itself';
    default:
      return `calos ${command ?? ''}`.trim() + STOP;
  }
}

const STOP = ' changes what the running server uses: stop it first';
