package org.trialfhir.store;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.util.FhirTerser;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.mapping.ConceptMaps;
import org.trialfhir.mapping.TrialBundleMapper;
import org.trialfhir.mapping.TrialBundleMapper.TrialResources;
import org.trialfhir.source.Diagnostic;
import org.trialfhir.source.ParseResult;
import org.trialfhir.source.TrialReaders;
import org.trialfhir.source.UnreadableRecordException;
import org.trialfhir.store.TrialStore.Applied;
import org.trialfhir.store.TrialStore.Change;
import org.trialfhir.store.TrialStore.Delete;
import org.trialfhir.store.TrialStore.Upsert;
import org.trialfhir.store.TrialStore.VersionConflictException;
import org.trialfhir.validation.ProfileValidator;

/**
 * Imports one registry record (page text or CT.gov API v2 JSON) into a {@link TrialStore}: reads it, maps it to the
 * trial's resources, validates them, and stores them in one {@link TrialStore#apply} — every resource or none.
 *
 * <p>Ids derive from the registry id, so a re-import makes new versions of the same resources and an unchanged
 * record makes none. Resources the trial's previous version owned (its protocol, eligibility Group and the protocol's
 * ActivityDefinitions) that the new record no longer produces are deleted in the same change, so no stale dose level
 * is left behind; shared parties (Organizations, Locations, Practitioners) are never deleted, other trials may use
 * them.
 *
 * <p>Concurrent imports: each change expects the versions it read, so two imports touching the same resources cannot
 * interleave; the loser reads again and retries (an identical record then finds everything unchanged).
 */
public final class RecordImporter {
  /** How often an import is retried when concurrent imports keep changing what it read. */
  static final int ATTEMPTS = 8;
  /** The types a trial owns (never shared with another trial), reached from its ResearchStudy. */
  private static final Set<String> OWNED_TYPES = Set.of("PlanDefinition", "ActivityDefinition", "Group");

  /** What one import did: each resource's action and version, and what the reader and mappers reported. */
  public record Result(
      String registryId,
      String format,
      List<Applied> applied,
      List<Diagnostic> readerDiagnostics,
      List<Diagnostic> mappingDiagnostics) {
    public Result {
      applied = List.copyOf(applied);
      readerDiagnostics = List.copyOf(readerDiagnostics);
      mappingDiagnostics = List.copyOf(mappingDiagnostics);
    }
  }

  /** The record was read but its resources do not validate; nothing was stored. */
  public static final class InvalidRecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient OperationOutcome outcome;

    InvalidRecordException(String registryId, OperationOutcome outcome) {
      super(registryId + ": the converted resources have validation errors; nothing was stored");
      this.outcome = outcome;
    }

    /** The validator's outcome for the trial's resources (a collection Bundle). */
    public OperationOutcome outcome() {
      return outcome;
    }
  }

  private final FhirContext ctx;
  private final TrialStore store;
  private final Function<Bundle, OperationOutcome> validator;
  private final TrialReaders readers = TrialReaders.standard();
  private volatile TrialBundleMapper mapper;

  /**
   * @param validator validates a trial's resources as one collection Bundle (the server passes {@link
   *     ProfileValidator#validate(org.hl7.fhir.instance.model.api.IBaseResource)})
   */
  public RecordImporter(FhirContext ctx, TrialStore store, Function<Bundle, OperationOutcome> validator) {
    this.ctx = ctx;
    this.store = store;
    this.validator = validator;
  }

  /**
   * Imports a record given as bytes (UTF-8 text).
   *
   * @throws UnreadableRecordException if the bytes are not a trial record the readers know; nothing is stored
   * @throws InvalidRecordException if the converted resources have validation errors; nothing is stored
   * @throws VersionConflictException if concurrent imports changed the trial's resources on every attempt
   */
  public Result importRecord(byte[] record) {
    ParseResult parsed = readers.read(record);
    TrialResources mapped = mapper().map(parsed.record());
    String registryId = parsed.record().registryId();
    Bundle collection = TrialBundleMapper.collection(mapped.resources());
    OperationOutcome outcome = validator.apply(collection);
    if (ProfileValidator.hasErrors(outcome)) {
      throw new InvalidRecordException(registryId, outcome);
    }
    List<Resource> resources = collection.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).toList();
    for (int attempt = 1; ; attempt++) {
      try {
        List<Applied> applied = store.apply(changes(registryId, resources)).applied();
        return new Result(registryId, parsed.format(), applied, parsed.diagnostics(), mapped.diagnostics());
      } catch (VersionConflictException e) {
        if (attempt == ATTEMPTS || !backOff(attempt)) {
          throw e;
        }
      }
    }
  }

  /**
   * Waits a random 1 to 2^attempt ms (at most 64) before the next attempt; false if interrupted. The store shows the
   * version a write lost to before it throws, so a retry reads it; the pause keeps several importers of one record,
   * which all lost to the same winner, from retrying in step and colliding again.
   */
  private static boolean backOff(int attempt) {
    return RetryPause.pause((1L << Math.min(attempt, 6)) + 1);
  }

  /** Upserts of every resource and deletes of what the trial owned and no longer has, each expecting what it read. */
  private List<Change> changes(String registryId, List<Resource> resources) {
    List<Change> changes = new ArrayList<>();
    Set<String> kept = new LinkedHashSet<>();
    for (Resource resource : resources) {
      String type = resource.fhirType();
      String id = resource.getIdElement().getIdPart();
      kept.add(type + "/" + id);
      changes.add(new Upsert(resource, currentVersion(type, id)));
    }
    for (String owned : owned(registryId)) {
      if (!kept.contains(owned)) {
        IdType id = new IdType(owned);
        int version = currentVersion(id.getResourceType(), id.getIdPart());
        if (version > 0) {
          changes.add(new Delete(id.getResourceType(), id.getIdPart(), version));
        }
      }
    }
    return changes;
  }

  /** The current version of a resource, 0 when there is none (never stored, or deleted). */
  private int currentVersion(String type, String id) {
    return store.read(type, id).map(r -> Integer.parseInt(r.getMeta().getVersionId())).orElse(0);
  }

  /**
   * {@code Type/id} of everything the stored trial owns: the study's references and the canonicals its protocol
   * points at, one level down, kept to {@link #OWNED_TYPES}.
   */
  private Set<String> owned(String registryId) {
    Set<String> owned = new LinkedHashSet<>();
    Optional<Resource> study = store.read("ResearchStudy", registryId);
    if (study.isEmpty()) {
      return owned;
    }
    List<Resource> frontier = new ArrayList<>(List.of(study.get()));
    for (int depth = 0; depth < 2 && !frontier.isEmpty(); depth++) {
      List<Resource> next = new ArrayList<>();
      for (Resource resource : frontier) {
        for (String target : targets(resource)) {
          IdType id = new IdType(target);
          if (OWNED_TYPES.contains(id.getResourceType()) && owned.add(id.getResourceType() + "/" + id.getIdPart())) {
            store.read(id.getResourceType(), id.getIdPart()).ifPresent(next::add);
          }
        }
      }
      frontier = next;
    }
    return owned;
  }

  /** Every literal reference and canonical URL in a resource (profiles included; the caller filters by type). */
  private List<String> targets(Resource resource) {
    FhirTerser terser = ctx.newTerser();
    List<String> targets = new ArrayList<>();
    for (Reference reference : terser.getAllPopulatedChildElementsOfType(resource, Reference.class)) {
      if (reference.hasReference() && !reference.getReference().startsWith("#")) {
        targets.add(reference.getReference());
      }
    }
    for (CanonicalType canonical : terser.getAllPopulatedChildElementsOfType(resource, CanonicalType.class)) {
      String url = canonical.getValue();
      targets.add(url.contains("|") ? url.substring(0, url.indexOf('|')) : url);
    }
    return targets;
  }

  private TrialBundleMapper mapper() {
    TrialBundleMapper current = mapper;
    if (current == null) {
      synchronized (this) {
        if (mapper == null) {
          mapper = new TrialBundleMapper(ConceptMaps.load(ctx));
        }
        current = mapper;
      }
    }
    return current;
  }
}
