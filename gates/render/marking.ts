/**
 * What `marked` says in words, for text and Markdown (the JSON keeps {tag, value, changed}).
 * value "true" = the account carries the ready tag; "" = it does not; "unknown" = the gate could not
 * tell (the reasons say what to do). `changed` = this run tagged (PASS) or removed (not PASS) it.
 */
import { READY_TAG_UNKNOWN_VALUE, type Marked } from "../types";

export function markingSentence(m: Marked): string {
  if (m.value === READY_TAG_UNKNOWN_VALUE) return `ready tag ${m.tag} may still be present: it could not be checked or removed (see the reasons)`;
  if (m.value === "") return m.changed ? `ready tag ${m.tag} removed` : `not tagged; ready tag ${m.tag} absent`;
  return m.changed ? `tagged ${m.tag}=${m.value}` : `ready tag ${m.tag}=${m.value} still present: it could not be removed (see the reasons)`;
}
