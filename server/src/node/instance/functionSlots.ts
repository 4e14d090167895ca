// DuckDB functions belong to the whole DuckDB instance and cannot be dropped once registered, yet
// the executor's functions answer for one session (SUSER_SNAME() is that session's login). So
// each open session holds a slot: its functions are registered under the slot's number, and call
// whatever the slot holds now. A closed session's slot goes to the next session, which points the
// same registered functions at itself: the count of functions stays at what the most sessions
// open at once needed, however many sessions come and go.
import type { ScalarFunctionSpec, TableFunctionSpec } from '../../core/engine/executor/ports';

/** What a registered function calls: set while a session holds the slot, null between sessions. */
export interface Holder<T> {
  current: T | null;
}

export class FunctionSlot {
  readonly scalars = new Map<string, Holder<ScalarFunctionSpec>>();
  readonly tables = new Map<string, Holder<TableFunctionSpec>>();

  constructor(readonly id: number) {}

  /** The DuckDB name of a function in this slot. */
  name(functionName: string): string {
    return `${functionName}_${this.id}`;
  }

  empty(): void {
    for (const holder of [...this.scalars.values(), ...this.tables.values()]) holder.current = null;
  }
}

export class FunctionSlots {
  private readonly free: FunctionSlot[] = [];
  private made = 0;

  acquire(): FunctionSlot {
    return this.free.pop() ?? new FunctionSlot(++this.made);
  }

  release(slot: FunctionSlot): void {
    slot.empty();
    this.free.push(slot);
  }
}
