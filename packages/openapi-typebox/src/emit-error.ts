/** A schema the emitter cannot translate faithfully: names the JSON pointer and the keyword. */
export class EmitError extends Error {
  override readonly name = 'EmitError';
  constructor(
    /** JSON pointer into the OpenAPI document, e.g. `#/components/schemas/Task/properties/x`. */
    readonly pointer: string,
    /** The keyword that cannot be translated. */
    readonly keyword: string,
    reason: string,
  ) {
    super(`${pointer}: cannot translate \`${keyword}\`: ${reason}`);
  }
}
