package org.trialfhir.server;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import ca.uhn.fhir.parser.json.BaseJsonLikeValue;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.ValidationModeEnum;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.trialfhir.validation.ProfileValidator;

/**
 * The {@code $validate} operation: takes the request body (a resource, or a Parameters with {@code resource},
 * {@code profile} and {@code mode}), validates it against base R4, its {@code meta.profile} and either the
 * {@code profile} asked for or, when none is, every profile of ours for its type, and returns one OperationOutcome.
 *
 * <p>Validating against our profile even when the resource does not claim it is the point: HAPI's
 * RequestValidatingInterceptor would only check the profiles a client chose to declare. What the parser had to drop or
 * could not read (unknown elements, invalid values) is reported as errors too, since the validator never sees it.
 */
final class ResourceValidation {
  /** What HAPI's validator says when it found nothing. */
  private static final String NO_ISSUES = "No issues detected during validation";

  private final FhirContext ctx;
  private final Supplier<ProfileValidator> validator;
  private final Supplier<? extends IValidationSupport> support;
  private final Supplier<Map<String, List<String>>> profilesByType;

  /**
   * @param profilesByType our profiles (StructureDefinition URLs) per resource type, applied when no {@code profile}
   *     is asked for
   */
  ResourceValidation(
      FhirContext ctx,
      Supplier<ProfileValidator> validator,
      Supplier<? extends IValidationSupport> support,
      Supplier<Map<String, List<String>>> profilesByType) {
    this.ctx = ctx;
    this.validator = validator;
    this.support = support;
    this.profilesByType = profilesByType;
  }

  /** Our profiles for a type (empty when we have none). */
  List<String> profilesFor(String type) {
    return profilesByType.get().getOrDefault(type, List.of());
  }

  /**
   * Validates a request body sent to {@code [type]/$validate} or {@code [type]/[id]/$validate}; {@code stored} is
   * the stored resource of an instance-level call, validated when the body is empty.
   */
  OperationOutcome validate(
      String type,
      String body,
      EncodingEnum encoding,
      Resource stored,
      ValidationModeEnum modeParam,
      String profileParam) {
    List<OperationOutcomeIssueComponent> parseIssues = new ArrayList<>();
    Resource resource;
    String profile = blankToNull(profileParam);
    ValidationModeEnum mode = modeParam;
    if (body == null || body.isBlank()) {
      if (stored == null) {
        throw new InvalidRequestException(
            "$validate needs a resource: POST it as the body, or in a Parameters body as the 'resource' parameter");
      }
      resource = stored;
    } else {
      resource = parse(body, encoding, parseIssues);
      if (resource instanceof Parameters parameters && !"Parameters".equals(type)) {
        resource = null;
        for (ParametersParameterComponent parameter : parameters.getParameter()) {
          switch (parameter.getName()) {
            case "resource" -> resource = parameter.getResource();
            case "profile" -> profile = primitive(parameter, profile);
            case "mode" -> mode = mode(primitive(parameter, null), mode);
            default -> throw new InvalidRequestException(
                "$validate has no parameter '" + parameter.getName() + "' (expected resource, mode, profile)");
          }
        }
        if (resource == null) {
          throw new InvalidRequestException("$validate: the Parameters body has no 'resource' parameter");
        }
      }
    }
    if (!type.equals(resource.fhirType())) {
      throw new InvalidRequestException(
          "$validate at " + type + " validates " + type + " resources; this is a " + resource.fhirType());
    }
    if (mode == ValidationModeEnum.DELETE) {
      throw new InvalidRequestException("$validate mode=delete is not supported");
    }

    List<String> profiles;
    if (profile != null) {
      if (support.get().fetchStructureDefinition(profile) == null) {
        throw new InvalidRequestException("$validate: profile " + profile + " is not known to this server");
      }
      profiles = List.of(profile);
    } else {
      profiles = profilesFor(type);
    }
    return validate(resource, profiles, parseIssues);
  }

  /**
   * Parses and validates a resource sent to be stored (create, update): against base R4 and our profiles for its
   * type, what the parser had to drop counted as errors.
   *
   * @throws InvalidRequestException (400) if there is no body, it does not parse, or it is another type
   * @throws UnprocessableEntityException (422, with the validator's OperationOutcome) if it has validation errors
   */
  Resource incoming(String type, String body, EncodingEnum encoding) {
    if (body == null || body.isBlank()) {
      throw new InvalidRequestException("The request has no body: send the " + type + " as FHIR JSON or XML");
    }
    List<OperationOutcomeIssueComponent> parseIssues = new ArrayList<>();
    Resource resource = parse(body, encoding, parseIssues, "the body");
    if (!type.equals(resource.fhirType())) {
      throw new InvalidRequestException("The body is a " + resource.fhirType() + "; this URL takes a " + type);
    }
    requireValid(validate(resource, profilesFor(type), parseIssues));
    return resource;
  }

  /** A parsed resource validated as {@link #incoming} does (for the entries of a transaction or batch). */
  OperationOutcome incoming(Resource resource) {
    return validate(resource, profilesFor(resource.fhirType()), List.of());
  }

  /** Parses a Bundle body, what the parser had to drop counted as errors (422). */
  Resource parseStrictly(String body, EncodingEnum encoding) {
    List<OperationOutcomeIssueComponent> parseIssues = new ArrayList<>();
    Resource resource = parse(body, encoding, parseIssues, "the body");
    if (!parseIssues.isEmpty()) {
      requireValid(merge(List.of(), parseIssues));
    }
    return resource;
  }

  /** @throws UnprocessableEntityException (422) carrying the outcome if it holds an error */
  static void requireValid(OperationOutcome outcome) {
    if (ProfileValidator.hasErrors(outcome)) {
      throw new UnprocessableEntityException(
          "The resource does not conform to base R4 or our profiles; see the issues", outcome);
    }
  }

  private OperationOutcome validate(
      Resource resource, List<String> profiles, List<OperationOutcomeIssueComponent> parseIssues) {
    ProfileValidator v = validator.get();
    List<OperationOutcome> outcomes = new ArrayList<>();
    if (profiles.isEmpty()) {
      outcomes.add(v.validate(resource));
    } else {
      for (String p : profiles) {
        outcomes.add(v.validate(resource, p));
      }
    }
    return merge(outcomes, parseIssues);
  }

  private Resource parse(String body, EncodingEnum encoding, List<OperationOutcomeIssueComponent> issues) {
    return parse(body, encoding, issues, "$validate: the body");
  }

  private Resource parse(
      String body, EncodingEnum encoding, List<OperationOutcomeIssueComponent> issues, String what) {
    EncodingEnum format = encoding != null
        ? encoding
        : body.stripLeading().startsWith("<") ? EncodingEnum.XML : EncodingEnum.JSON;
    IParser parser = format.newParser(ctx).setParserErrorHandler(new RecordingErrorHandler(issues));
    try {
      IBaseResource parsed = parser.parseResource(body);
      return (Resource) parsed;
    } catch (DataFormatException e) {
      throw new InvalidRequestException(what + " is not a FHIR " + format.name() + " resource: " + e.getMessage());
    }
  }

  private static String primitive(ParametersParameterComponent parameter, String otherwise) {
    return parameter.getValue() instanceof PrimitiveType<?> p ? p.getValueAsString() : otherwise;
  }

  private static ValidationModeEnum mode(String code, ValidationModeEnum otherwise) {
    if (code == null) {
      return otherwise;
    }
    ValidationModeEnum mode = ValidationModeEnum.forCode(code);
    if (mode == null) {
      throw new InvalidRequestException("$validate: mode '" + code + "' is not create, update or delete");
    }
    return mode;
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text.strip();
  }

  /** One outcome: every distinct issue, the parser's first; "no issues" only when there are none. */
  private static OperationOutcome merge(
      List<OperationOutcome> outcomes, List<OperationOutcomeIssueComponent> parseIssues) {
    Map<String, OperationOutcomeIssueComponent> issues = new LinkedHashMap<>();
    List<OperationOutcomeIssueComponent> all = new ArrayList<>(parseIssues);
    outcomes.forEach(o -> all.addAll(o.getIssue()));
    for (OperationOutcomeIssueComponent issue : all) {
      if (issue.getSeverity() == IssueSeverity.INFORMATION
          && NO_ISSUES.equals(issue.getDiagnostics())) {
        continue;
      }
      String key = issue.getSeverity() + "|" + issue.getCode() + "|" + issue.getDiagnostics() + "|"
          + issue.getExpression().stream().map(StringType::getValue).toList();
      issues.putIfAbsent(key, issue);
    }
    OperationOutcome merged = new OperationOutcome();
    issues.values().forEach(merged::addIssue);
    if (merged.getIssue().isEmpty()) {
      merged.addIssue()
          .setSeverity(IssueSeverity.INFORMATION)
          .setCode(IssueType.INFORMATIONAL)
          .setDiagnostics(NO_ISSUES);
    }
    return merged;
  }

  /** Records what the lenient parser would otherwise only log, as error issues. */
  private static final class RecordingErrorHandler extends LenientErrorHandler {
    private final List<OperationOutcomeIssueComponent> issues;

    RecordingErrorHandler(List<OperationOutcomeIssueComponent> issues) {
      super(false);
      this.issues = issues;
    }

    private void add(IParseLocation location, IssueType type, String message) {
      OperationOutcomeIssueComponent issue = new OperationOutcomeIssueComponent()
          .setSeverity(IssueSeverity.ERROR)
          .setCode(type)
          .setDiagnostics(message);
      if (location != null && location.getParentElementName() != null) {
        issue.addExpression(location.getParentElementName());
      }
      issues.add(issue);
    }

    @Override
    public void unknownElement(IParseLocation location, String elementName) {
      add(location, IssueType.STRUCTURE, "Unknown element '" + elementName + "'");
    }

    @Override
    public void unknownAttribute(IParseLocation location, String attributeName) {
      add(location, IssueType.STRUCTURE, "Unknown attribute '" + attributeName + "'");
    }

    @Override
    public void unexpectedRepeatingElement(IParseLocation location, String elementName) {
      add(location, IssueType.STRUCTURE, "Element '" + elementName + "' repeats but may occur only once");
    }

    @Override
    public void invalidValue(IParseLocation location, String value, String error) {
      add(location, IssueType.VALUE, "Invalid value '" + value + "': " + error);
    }

    @Override
    public void incorrectJsonType(
        IParseLocation location,
        String elementName,
        BaseJsonLikeValue.ValueType expectedValueType,
        BaseJsonLikeValue.ScalarType expectedScalarType,
        BaseJsonLikeValue.ValueType foundValueType,
        BaseJsonLikeValue.ScalarType foundScalarType) {
      add(location, IssueType.STRUCTURE, createIncorrectJsonTypeMessage(
          elementName, expectedValueType, expectedScalarType, foundValueType, foundScalarType));
    }

    @Override
    public void extensionContainsValueAndNestedExtensions(IParseLocation location) {
      add(location, IssueType.STRUCTURE, "An extension has both a value and nested extensions");
    }
  }
}
