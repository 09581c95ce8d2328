import { toJsonString } from "@bufbuild/protobuf";
import { timestampDate, ValueSchema as JsonValueSchema } from "@bufbuild/protobuf/wkt";

import { Type, type RustDecimal, type Value } from "./gen/dozer/types/types_pb";

/** Cell is a value as the table shows it. */
export interface Cell {
  text: string;
  /** numeric cells align right; null cells are greyed out */
  kind: "null" | "number" | "text";
}

/** formatValue renders one field value; a Value with nothing set is NULL. */
export function formatValue(v: Value | undefined): Cell {
  const val = v?.value;
  switch (val?.case) {
    case undefined:
      return { text: "null", kind: "null" };
    case "uintValue":
    case "intValue":
      return { text: val.value.toString(), kind: "number" };
    case "uint128Value":
    case "int128Value":
      return { text: val.value, kind: "number" };
    case "floatValue":
      return { text: String(val.value), kind: "number" };
    case "decimalValue":
      return { text: formatDecimal(val.value), kind: "number" };
    case "boolValue":
      return { text: val.value ? "true" : "false", kind: "text" };
    case "stringValue":
    case "dateValue":
      return { text: val.value, kind: "text" };
    case "bytesValue":
      return { text: "0x" + toHex(val.value), kind: "text" };
    case "timestampValue":
      // Whole seconds are the common case; their ".000" is noise.
      return { text: timestampDate(val.value).toISOString().replace(".000Z", "Z"), kind: "text" };
    case "pointValue":
      return { text: `(${val.value.x}, ${val.value.y})`, kind: "text" };
    case "durationValue":
      return { text: `${val.value.value} ${val.value.timeUnit}`, kind: "text" };
    case "jsonValue":
      return { text: toJsonString(JsonValueSchema, val.value), kind: "text" };
  }
}

/** typeName is a field type's Dozer name, such as "UInt" or "Timestamp". */
export function typeName(t: Type): string {
  return Type[t] ?? "?";
}

// formatDecimal writes a 96-bit mantissa with its scale, exactly.
function formatDecimal(d: RustDecimal): string {
  const mantissa = (BigInt(d.hi) << 64n) | (BigInt(d.mid) << 32n) | BigInt(d.lo);
  let digits = mantissa.toString().padStart(d.scale + 1, "0");
  if (d.scale > 0) {
    digits = digits.slice(0, -d.scale) + "." + digits.slice(-d.scale);
  }
  return (d.negative && mantissa !== 0n ? "-" : "") + digits;
}

function toHex(bytes: Uint8Array): string {
  const max = 32;
  const hex = Array.from(bytes.subarray(0, max), (b) => b.toString(16).padStart(2, "0"));
  return hex.join("") + (bytes.length > max ? "…" : "");
}
