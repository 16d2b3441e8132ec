package org.trialfhir.server;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport.LookupCodeResult;
import ca.uhn.fhir.context.support.LookupCodeRequest;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UriType;
import org.trialfhir.store.TrialStore;

/**
 * {@code CodeSystem/$lookup} and {@code CodeSystem/[id]/$lookup} over the CodeSystems this server serves: a code (code
 * and system, or a coding) in, R4's Parameters out: {@code name} (the code system's title), {@code version},
 * {@code display}, {@code designation}s and {@code property}s ({@code definition}, and the code system's own). HAPI's
 * validation chain looks the code up.
 *
 * <p>A code the code system does not hold is a 404, as HAPI's JPA server answers; a request that cannot be answered
 * (no code, no system, a code system or version this server does not serve) is a 400.
 */
public final class LookupOperationProvider {
  private static final String TYPE = "CodeSystem";
  /** R4 defines {@code definition} as a property of every code system; HAPI's lookup does not return it. */
  private static final String DEFINITION = "definition";

  private final FhirContext ctx;
  private final TrialStore store;
  private final Supplier<? extends IValidationSupport> support;

  LookupOperationProvider(FhirContext ctx, TrialStore store, Supplier<? extends IValidationSupport> support) {
    this.ctx = ctx;
    this.store = store;
    this.support = support;
  }

  /** Looks a code up in one of our CodeSystems. */
  @Operation(name = "$lookup", type = CodeSystem.class, idempotent = true)
  public Parameters lookup(
      @IdParam(optional = true) IdType id,
      @OperationParam(name = "code", max = 1) CodeType code,
      @OperationParam(name = "system", max = 1) UriType system,
      @OperationParam(name = "version", max = 1) StringType version,
      @OperationParam(name = "coding", max = 1) Coding coding,
      @OperationParam(name = "date", max = 1) DateTimeType date,
      @OperationParam(name = "displayLanguage", max = 1) CodeType displayLanguage,
      @OperationParam(name = "property") List<CodeType> property) {
    if (OperationParams.text(code) != null && coding != null) {
      throw new InvalidRequestException("$lookup takes 'code' (with 'system') or 'coding', not both");
    }
    String wantedCode = coding != null ? coding.getCode() : OperationParams.text(code);
    String wantedSystem = coding != null ? coding.getSystem() : OperationParams.text(system);
    String wantedVersion = coding != null ? coding.getVersion() : OperationParams.text(version);
    if (wantedCode == null || wantedCode.isBlank()) {
      throw new InvalidRequestException("$lookup needs the code to look up: 'code' (with 'system') or 'coding'");
    }
    CodeSystem codeSystem = codeSystem(id, wantedSystem);
    if (wantedVersion != null && !wantedVersion.equals(codeSystem.getVersion())) {
      throw new InvalidRequestException("$lookup: CodeSystem " + codeSystem.getUrl() + " is served in version "
          + codeSystem.getVersion() + " only, not " + wantedVersion);
    }

    List<String> properties = property == null ? List.of()
        : property.stream().map(OperationParams::text).filter(p -> p != null).toList();
    IValidationSupport chain = support.get();
    LookupCodeResult result = chain.lookupCode(new ValidationSupportContext(chain),
        new LookupCodeRequest(codeSystem.getUrl(), wantedCode, OperationParams.text(displayLanguage), properties));
    if (result == null || !result.isFound()) {
      throw new ResourceNotFoundException("$lookup: code '" + wantedCode + "' is not in CodeSystem "
          + codeSystem.getUrl() + (result == null || result.getErrorMessage() == null ? "" : ": " + result.getErrorMessage()));
    }
    // The chain caches its result, so the answer is adjusted on the Parameters, never on the result.
    Parameters parameters = (Parameters) result.toParameters(ctx, property);
    // HAPI adds R5's "abstract" output, which R4's $lookup does not define.
    parameters.getParameter().removeIf(p -> "abstract".equals(p.getName()));
    // R4's name is "a display name for the code system"; HAPI gives the computable name.
    parameters.getParameter().stream().filter(p -> "name".equals(p.getName())).findFirst().ifPresent(
        p -> p.setValue(new StringType(codeSystem.hasTitle() ? codeSystem.getTitle() : codeSystem.getName())));
    if (properties.isEmpty() || properties.contains(DEFINITION)) {
      concept(codeSystem.getConcept(), wantedCode).filter(ConceptDefinitionComponent::hasDefinition).ifPresent(c -> {
        ParametersParameterComponent definition = parameters.addParameter().setName("property");
        definition.addPart().setName("code").setValue(new CodeType(DEFINITION));
        definition.addPart().setName("value").setValue(new StringType(c.getDefinition()));
      });
    }
    return parameters;
  }

  /** The served CodeSystem: the instance, else the one whose url is the system. */
  private CodeSystem codeSystem(IdType id, String system) {
    if (id != null && id.hasIdPart()) {
      CodeSystem instance = (CodeSystem) OperationParams.stored(store, TYPE, id);
      if (system != null && !system.equals(instance.getUrl())) {
        throw new InvalidRequestException("$lookup: CodeSystem/" + id.getIdPart() + " is " + instance.getUrl()
            + ", not the system " + system);
      }
      return instance;
    }
    if (system == null) {
      throw new InvalidRequestException("$lookup needs the code's 'system' (or call it on a CodeSystem instance)");
    }
    for (Resource resource : store.all(TYPE)) {
      if (resource instanceof CodeSystem cs && system.equals(cs.getUrl())) {
        return cs;
      }
    }
    throw new InvalidRequestException("$lookup: " + system + " is not a code system this server serves"
        + " (GET CodeSystem lists them)");
  }

  private static Optional<ConceptDefinitionComponent> concept(List<ConceptDefinitionComponent> concepts, String code) {
    for (ConceptDefinitionComponent concept : concepts) {
      if (code.equals(concept.getCode())) {
        return Optional.of(concept);
      }
      Optional<ConceptDefinitionComponent> nested = concept(concept.getConcept(), code);
      if (nested.isPresent()) {
        return nested;
      }
    }
    return Optional.empty();
  }
}
