// The part of the WebAssembly JavaScript API that score-kernel.ts uses. Node has it as a global, but neither the
// ES lib nor @types/node 20 declares it (only TypeScript's DOM and web worker libs do).
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number });
    readonly buffer: ArrayBuffer;
  }
}
