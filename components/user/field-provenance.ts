// Field provenance ("blame"): for the user at each version, which event gave each field the value
// it has there. Computed once per loaded history from the folded snapshots, like the slider's
// states, so that any point of the slider is a lookup.
import { comparedFields, type ComparedField, type History } from "./history";

/** The version of the event that set each field. */
export type FieldProvenance = Readonly<Record<ComparedField, number>>;

/**
 * provenance[i] belongs to snapshots[i] (the user at version i + 1). An event sets a field when
 * the field's value after it differs from the value before it; registration sets them all. An
 * event that changes no field shares its predecessor's entry.
 */
export function fieldProvenance(history: History): FieldProvenance[] {
  const provenance: FieldProvenance[] = [];
  history.snapshots.forEach((snapshot, index) => {
    const previous = history.snapshots[index - 1];
    const setBy = provenance[index - 1];
    const version = history.events[index]!.version;
    if (!previous || !setBy) {
      provenance.push(Object.fromEntries(comparedFields.map(([field]) => [field, version])) as FieldProvenance);
      return;
    }
    const changed = comparedFields.filter(([field]) => snapshot[field] !== previous[field]);
    provenance.push(
      changed.length === 0 ? setBy : { ...setBy, ...Object.fromEntries(changed.map(([field]) => [field, version])) },
    );
  });
  return provenance;
}
