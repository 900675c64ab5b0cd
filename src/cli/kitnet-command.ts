// `autozeekwatch kitnet`: KitNET over a numeric matrix, for comparison with other implementations.
import type { Command } from 'commander';

export function registerKitnetCommand(program: Command): void {
  program.command('kitnet').description('run KitNET over a numeric matrix (placeholder until src/kitnet lands)');
}
