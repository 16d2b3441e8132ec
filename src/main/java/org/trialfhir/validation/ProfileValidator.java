package org.trialfhir.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ValidationOptions;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.UnsignedIntType;
import org.hl7.fhir.r5.utils.validation.constants.BestPracticeWarningLevel;

/**
 * Validates a FHIR R4 resource (a Bundle with its entries) against base R4, its {@code meta.profile} and
 * optionally one more profile, returning the issues as an OperationOutcome.
 *
 * <p>Offline: no remote terminology server, so LOINC, RxNorm and SNOMED CT codes are not checked (the validator
 * warns that it cannot), and ValueSets are only expandable when they list their codes. Unknown profiles and
 * unknown extensions are errors; best-practice recommendations are not reported. Instances are thread-safe.
 */
public final class ProfileValidator {

  /** The R5 cross-version extension that carries a ResearchStudy's target enrollment (DESIGN.md). */
  static final String TARGET_NUMBER_URL =
      "http://hl7.org/fhir/5.0/StructureDefinition/extension-ResearchStudy.recruitment.targetNumber";

  private static final ConcurrentMap<FhirContext, ProfileValidator> SHARED = new ConcurrentHashMap<>();

  private final IValidationSupport support;
  private final FhirValidator validator;

  /** A validator over the given chain and its worker context (prefer {@link #forContext}, one per context). */
  public ProfileValidator(FhirContext ctx, ValidationSupportFactory.Conformance conformance) {
    this.support = conformance.chain();
    FhirInstanceValidator module = new FhirInstanceValidator(support);
    // Reusing the worker context that generated our snapshots saves converting every definition to R5 again.
    module.setWrappedWorkerContext(support, conformance.workerContext());
    module.setErrorForUnknownProfiles(true);
    // Every extension we emit is defined in the chain, so an undefined one is a mistake, as in the HL7 validator.
    module.setAnyExtensionsAllowed(false);
    module.setBestPracticeWarningLevel(BestPracticeWarningLevel.Ignore);
    this.validator = ctx.newValidator().registerValidatorModule(module);
  }

  /** The shared validator for the given context over {@link ValidationSupportFactory#conformance}, built once. */
  public static ProfileValidator forContext(FhirContext ctx) {
    ProfileValidator existing = SHARED.get(ctx);
    if (existing != null) {
      return existing;
    }
    ProfileValidator created = new ProfileValidator(ctx, ValidationSupportFactory.conformance(ctx));
    existing = SHARED.putIfAbsent(ctx, created);
    return existing != null ? existing : created;
  }

  /** The shared validator for HAPI's cached R4 context. */
  public static ProfileValidator shared() {
    return forContext(FhirContext.forR4Cached());
  }

  /** Validates against base R4 and the resource's {@code meta.profile}; a Bundle's entries are validated too. */
  public OperationOutcome validate(IBaseResource resource) {
    return outcome(validator.validateWithResult(resource, new ValidationOptions()));
  }

  /**
   * Validates as {@link #validate(IBaseResource)} and also against {@code profileUrl}. For a Bundle and a profile
   * of another type, the profile applies to every entry of that type (a warning says so if there is none).
   */
  public OperationOutcome validate(IBaseResource resource, String profileUrl) {
    if (resource instanceof Bundle bundle
        && support.fetchStructureDefinition(profileUrl) instanceof StructureDefinition profile
        && !"Bundle".equals(profile.getType())) {
      return validateEntries(bundle, profileUrl, profile.getType());
    }
    return outcome(validator.validateWithResult(resource, new ValidationOptions().addProfile(profileUrl)));
  }

  /**
   * Validates FHIR JSON or XML text as given, so elements the parser would drop (unknown or misspelt ones) are
   * reported too.
   */
  public OperationOutcome validate(String resourceText) {
    return outcome(validator.validateWithResult(resourceText, new ValidationOptions()));
  }

  /** Validates a small resource once so that the seconds-long first validation happens off the request path. */
  public Duration warmUp() {
    long start = System.nanoTime();
    ResearchStudy study = new ResearchStudy();
    study.setId("warm-up");
    study.setStatus(ResearchStudy.ResearchStudyStatus.ACTIVE);
    study.addExtension(TARGET_NUMBER_URL, new UnsignedIntType(1));
    validate(study);
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** Returns true if the outcome holds an error or fatal issue. */
  public static boolean hasErrors(OperationOutcome outcome) {
    return outcome.getIssue().stream()
        .anyMatch(issue -> issue.getSeverity() == IssueSeverity.ERROR || issue.getSeverity() == IssueSeverity.FATAL);
  }

  private OperationOutcome validateEntries(Bundle bundle, String profileUrl, String type) {
    // Declaring the profile on a copy's entries lets one pass report every issue at its Bundle.entry location.
    Bundle copy = bundle.copy();
    int matching = 0;
    for (Bundle.BundleEntryComponent entry : copy.getEntry()) {
      if (entry.hasResource() && type.equals(entry.getResource().fhirType())) {
        matching++;
        if (!entry.getResource().getMeta().hasProfile(profileUrl)) {
          entry.getResource().getMeta().addProfile(profileUrl);
        }
      }
    }
    OperationOutcome outcome = validate(copy);
    if (matching == 0) {
      outcome
          .addIssue()
          .setSeverity(IssueSeverity.WARNING)
          .setCode(IssueType.NOTFOUND)
          .setDiagnostics(
              "Profile " + profileUrl + " applies to " + type + " resources, but the Bundle has no " + type + " entry");
    }
    return outcome;
  }

  /**
   * The result as an OperationOutcome that is itself valid R4: HAPI marks each issue with line, column and message-id
   * extensions from the R5 extensions pack, which R4 does not define, so those are dropped (the line and column stay
   * in {@code location}).
   */
  private OperationOutcome outcome(ca.uhn.fhir.validation.ValidationResult result) {
    OperationOutcome outcome = (OperationOutcome) result.toOperationOutcome();
    for (OperationOutcome.OperationOutcomeIssueComponent issue : outcome.getIssue()) {
      issue.getExtension().removeIf(extension -> support.fetchStructureDefinition(extension.getUrl()) == null);
    }
    return outcome;
  }
}
