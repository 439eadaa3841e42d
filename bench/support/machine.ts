// The facts a reader needs to compare a benchmark result with their own machine.
import os from 'node:os';

export function machineFacts(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? 'unknown CPU';
  const memory = `${Math.round(os.totalmem() / 2 ** 30)} GiB RAM`;
  return `${cpus.length} CPUs (${model}), ${memory}, ${os.platform()} ${os.release()}, Node ${process.version}`;
}
