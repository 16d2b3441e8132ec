package org.trialfhir.server;

import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport.TranslateCodeRequest;
import ca.uhn.fhir.context.support.TranslateConceptResult;
import ca.uhn.fhir.context.support.TranslateConceptResults;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.hl7.fhir.instance.model.api.IBaseCoding;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.ConceptMap.ConceptMapGroupComponent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UriType;
import org.trialfhir.store.TrialStore;
import org.trialfhir.validation.ConceptMapTranslator;

/**
 * {@code ConceptMap/$translate} and {@code ConceptMap/[id]/$translate}: a code (code and system, a coding, or a
 * codeableConcept) in, R4's Parameters out ({@code result}, {@code message}, one {@code match} per target with its
 * {@code equivalence}, {@code concept} and {@code source} map). Served maps are translated by the validation chain;
 * a map sent in the request ({@code conceptMap}) directly.
 *
 * <p>A code with no mapping answers 200 with {@code result = false} and a message; a request that cannot be answered
 * (no code, a code without its system, a map that is not known, several ways of naming the code or the map) is a 400.
 */
public final class TranslateOperationProvider {
  private static final String TYPE = "ConceptMap";

  private final TrialStore store;
  private final Supplier<? extends IValidationSupport> support;

  TranslateOperationProvider(TrialStore store, Supplier<? extends IValidationSupport> support) {
    this.store = store;
    this.support = support;
  }

  /** Translates a code through our ConceptMaps (all, the one named, or the instance). */
  @Operation(name = "$translate", type = ConceptMap.class, idempotent = true)
  public Parameters translate(
      @IdParam(optional = true) IdType id,
      @OperationParam(name = "url", max = 1) UriType url,
      @OperationParam(name = "conceptMap", max = 1) ConceptMap conceptMap,
      @OperationParam(name = "conceptMapVersion", max = 1) StringType conceptMapVersion,
      @OperationParam(name = "code", max = 1) CodeType code,
      @OperationParam(name = "system", max = 1) UriType system,
      @OperationParam(name = "version", max = 1) StringType version,
      @OperationParam(name = "source", max = 1) UriType source,
      @OperationParam(name = "coding", max = 1) Coding coding,
      @OperationParam(name = "codeableConcept", max = 1) CodeableConcept codeableConcept,
      @OperationParam(name = "target", max = 1) UriType target,
      @OperationParam(name = "targetsystem", max = 1) UriType targetSystem,
      @OperationParam(name = "reverse", max = 1) BooleanType reverse) {
    boolean reversed = reverse != null && reverse.booleanValue();
    List<IBaseCoding> codings = codings(code, system, version, coding, codeableConcept);
    ConceptMap named = namedMap(id, url, conceptMap, OperationParams.text(conceptMapVersion));
    requireSystems(codings, named, reversed);

    TranslateCodeRequest request = new TranslateCodeRequest(codings, OperationParams.text(targetSystem),
        named == null ? null : named.getUrl(),
        named == null ? OperationParams.text(conceptMapVersion) : named.getVersion(),
        OperationParams.text(source), OperationParams.text(target), null, reversed);
    TranslateConceptResults results = conceptMap != null
        ? ConceptMapTranslator.translate(List.of(conceptMap), request)
        : support.get().translateConcept(request);
    return parameters(results);
  }

  /** The codings to translate, from exactly one of code (with system and version), coding and codeableConcept. */
  private static List<IBaseCoding> codings(
      CodeType code, UriType system, StringType version, Coding coding, CodeableConcept codeableConcept) {
    int given = (OperationParams.text(code) != null ? 1 : 0) + (coding != null ? 1 : 0) + (codeableConcept != null ? 1 : 0);
    if (given == 0) {
      throw new InvalidRequestException(
          "$translate needs the code to translate: 'code' (with 'system'), 'coding' or 'codeableConcept'");
    }
    if (given > 1) {
      throw new InvalidRequestException("$translate takes one of 'code', 'coding' and 'codeableConcept', not several");
    }
    if (OperationParams.text(code) == null && (OperationParams.text(system) != null || OperationParams.text(version) != null)) {
      throw new InvalidRequestException(
          "$translate: 'system' and 'version' go with 'code'; a coding carries its own system and version");
    }
    List<IBaseCoding> codings = new ArrayList<>();
    if (OperationParams.text(code) != null) {
      codings.add(new Coding(OperationParams.text(system), OperationParams.text(code), null).setVersion(OperationParams.text(version)));
    } else if (coding != null) {
      codings.add(coding);
    } else {
      codings.addAll(codeableConcept.getCoding());
    }
    for (IBaseCoding c : codings) {
      if (c.getCode() == null || c.getCode().isBlank()) {
        throw new InvalidRequestException("$translate: a coding to translate has no code");
      }
    }
    return codings;
  }

  /** The map the request names (the instance, {@code url}, or {@code conceptMap}), or null when it names none. */
  private ConceptMap namedMap(IdType id, UriType url, ConceptMap inline, String version) {
    boolean instance = id != null && id.hasIdPart();
    int given = (instance ? 1 : 0) + (OperationParams.text(url) != null ? 1 : 0) + (inline != null ? 1 : 0);
    if (given > 1) {
      throw new InvalidRequestException(
          "$translate: name the ConceptMap once (the instance in the path, 'url', or 'conceptMap')");
    }
    ConceptMap map;
    if (instance) {
      map = (ConceptMap) OperationParams.stored(store, TYPE, id);
    } else if (OperationParams.text(url) != null) {
      map = support.get().fetchResource(ConceptMap.class, OperationParams.text(url));
      if (map == null) {
        throw new InvalidRequestException("$translate: no ConceptMap with url " + OperationParams.text(url)
            + " is known to this server (GET ConceptMap lists them)");
      }
    } else {
      map = inline;
    }
    if (map != null && version != null && !version.equals(map.getVersion())) {
      throw new InvalidRequestException("$translate: ConceptMap " + map.getUrl() + " has version " + map.getVersion()
          + ", not " + version);
    }
    return map;
  }

  /**
   * FHIR wants a system with every code. Our maps of registry words (drug names, unit spellings) have groups without a
   * source system; a code without a system is taken as such a word only when the request names a map that has them.
   */
  private static void requireSystems(List<IBaseCoding> codings, ConceptMap named, boolean reversed) {
    for (IBaseCoding coding : codings) {
      if (coding.getSystem() != null && !coding.getSystem().isBlank()) {
        continue;
      }
      boolean systemless = named != null && named.getGroup().stream()
          .map(g -> reversed ? g.getTarget() : g.getSource()).anyMatch(s -> s == null);
      if (!systemless) {
        throw new InvalidRequestException("$translate: code '" + coding.getCode() + "' needs its 'system'"
            + (named == null
                ? " (or name a ConceptMap of registry words, such as " + TYPE + "/drug-rxnorm, that have none)"
                : "; " + named.getUrl() + " maps codes of " + systems(named, reversed)));
      }
    }
  }

  private static List<String> systems(ConceptMap map, boolean reversed) {
    List<String> systems = new ArrayList<>();
    for (ConceptMapGroupComponent group : map.getGroup()) {
      String system = reversed ? group.getTarget() : group.getSource();
      if (system != null && !systems.contains(system)) {
        systems.add(system);
      }
    }
    return systems;
  }

  private static Parameters parameters(TranslateConceptResults results) {
    Parameters parameters = new Parameters();
    parameters.addParameter().setName("result").setValue(new BooleanType(results.getResult()));
    if (results.getMessage() != null) {
      parameters.addParameter().setName("message").setValue(new StringType(results.getMessage()));
    }
    for (TranslateConceptResult result : results.getResults()) {
      ParametersParameterComponent match = parameters.addParameter().setName("match");
      if (result.getEquivalence() != null) {
        match.addPart().setName("equivalence").setValue(new CodeType(result.getEquivalence()));
      }
      if (result.getCode() != null) {
        match.addPart().setName("concept").setValue(new Coding(result.getSystem(), result.getCode(), result.getDisplay())
            .setVersion(result.getSystemVersion()));
      }
      match.addPart().setName("source").setValue(new UriType(result.getConceptMapUrl()));
    }
    return parameters;
  }
}
