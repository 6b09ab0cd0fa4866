// What the generator reads from protocol/beacon.schema.json: every enum it draws from, so a
// protocol change shows up at once (a TP_LOAD_SCHEMA_DRIFT error, and beacons.test.ts).

/**
 * The parts of the beacon JSON Schema the generator draws from.
 * @typedef {object} BeaconSchemaLike
 * @property {{ connection: { enum: readonly string[] }, events: { maxItems: number } }} properties
 * @property {{
 *   vital: { properties: { name: { enum: readonly string[] }, navigationType: { enum: readonly string[] } } },
 *   nav: { required: readonly string[] },
 *   error: { properties: { kind: { enum: readonly string[] } } },
 *   checkout: { properties: { step: { enum: readonly string[] } } },
 * }} $defs
 */

/** @typedef {ReturnType<typeof readSchema>} SchemaEnums */

/**
 * @param {BeaconSchemaLike} schema
 */
export function readSchema(schema) {
  const d = schema.$defs;
  return {
    connections: schema.properties.connection.enum,
    maxEvents: schema.properties.events.maxItems,
    vitalNames: d.vital.properties.name.enum,
    navigationTypes: d.vital.properties.navigationType.enum,
    navPhases: d.nav.required.filter((k) => k !== 'type' && k !== 'at'),
    errorKinds: d.error.properties.kind.enum,
    checkoutSteps: d.checkout.properties.step.enum,
  };
}

/**
 * @template {string} T
 * @param {readonly string[]} allowed
 * @param {T} value
 * @param {string} what
 * @returns {T}
 */
export function asEnum(allowed, value, what) {
  if (!allowed.includes(value)) throw new Error(`TP_LOAD_SCHEMA_DRIFT: ${what} "${value}" is not in protocol/beacon.schema.json any more: update load-tests/k6/lib`);
  return value;
}

/**
 * @param {SchemaEnums} enums
 * @param {string} value
 * @returns {import('@touchpoint/protocol').ConnectionType}
 */
export function asConnection(enums, value) {
  return /** @type {import('@touchpoint/protocol').ConnectionType} */ (asEnum(enums.connections, value, 'connection'));
}
