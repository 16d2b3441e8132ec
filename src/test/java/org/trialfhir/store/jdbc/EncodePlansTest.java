package org.trialfhir.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

class EncodePlansTest {
  private static final FhirContext CTX = FhirContext.forR4Cached();

  @Test
  void extensionValueNamesFollowTheValueClassWhateverCameBefore() {
    // The last target is kept for the next look-up: a run of one class, then another, then back, and a repeat.
    EncodePlans plans = new EncodePlans(CTX);
    assertEquals("valueString", plans.extensionValue(StringType.class).name());
    assertEquals("valueString", plans.extensionValue(StringType.class).name());
    assertEquals("valueDate", plans.extensionValue(DateType.class).name());
    assertEquals("valueCodeableConcept", plans.extensionValue(CodeableConcept.class).name());
    assertEquals("valueString", plans.extensionValue(StringType.class).name());
  }

  @Test
  void anUnknownExtensionValueClassIsLeftToHapiEveryTime() {
    // A failed look-up must not be answered by the target kept from the one before.
    EncodePlans plans = new EncodePlans(CTX);
    plans.extensionValue(StringType.class);
    assertThrows(LeanJsonEncoder.Unsupported.class, () -> plans.extensionValue(Patient.class));
    assertThrows(LeanJsonEncoder.Unsupported.class, () -> plans.extensionValue(Patient.class));
    assertEquals("valueString", plans.extensionValue(StringType.class).name());
  }
}
