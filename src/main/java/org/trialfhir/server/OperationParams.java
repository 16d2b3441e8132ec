package org.trialfhir.server;

import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.OptionalInt;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.store.TrialStore;

/**
 * What operations read from their parameters the same way: text values, whole numbers, and the instance.
 */
final class OperationParams {
  private OperationParams() {}

  /** The parameter's value, stripped; null when absent or blank (a GET sends {@code code=} as an empty value). */
  static String text(IPrimitiveType<?> value) {
    if (value == null || value.getValueAsString() == null || value.getValueAsString().isBlank()) {
      return null;
    }
    return value.getValueAsString().strip();
  }

  /** A whole number of 0 or more written in {@code value} (spaces around allowed); empty when it is none. */
  static OptionalInt nonNegative(String value) {
    try {
      int number = Integer.parseInt(value.strip());
      return number >= 0 ? OptionalInt.of(number) : OptionalInt.empty();
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  /** The stored resource an instance-level operation names; 404 when this server has none with that id. */
  static Resource stored(TrialStore store, String type, IdType id) {
    return store.read(type, id.getIdPart()).orElseThrow(
        () -> new ResourceNotFoundException(type + "/" + id.getIdPart() + " is not known to this server"));
  }
}
