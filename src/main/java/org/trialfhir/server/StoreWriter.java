package org.trialfhir.server;

import ca.uhn.fhir.rest.param.ParameterUtil;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.store.TrialStore;
import org.trialfhir.store.TrialStore.Applied;
import org.trialfhir.store.TrialStore.Change;
import org.trialfhir.store.TrialStore.VersionConflictException;
import org.trialfhir.store.TrialStore.WriteResult;

/**
 * What the write interactions share: one atomic {@link TrialStore#apply} with the store's refusals turned into HTTP
 * answers (a version that does not hold is a 412, two changes to one resource a 400), {@code If-Match} and id
 * checks, server-assigned ids, and conditional creates that cannot race each other.
 */
final class StoreWriter {
  /** R4's id rule. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

  private final TrialStore store;
  private final ConditionalSearch conditional;
  /**
   * Held from a conditional create's search to its write, so two creates with the same condition cannot both find
   * nothing and both create. One server only: instances sharing a database would need the database to enforce it.
   */
  private final ReentrantLock conditionalCreates = new ReentrantLock();

  StoreWriter(TrialStore store, ConditionalSearch conditional) {
    this.store = store;
    this.conditional = conditional;
  }

  TrialStore store() {
    return store;
  }

  /**
   * Applies every change or none.
   *
   * @throws PreconditionFailedException (412) when an expected version ({@code If-Match}) does not hold
   * @throws InvalidRequestException (400) when two changes name one resource
   */
  WriteResult apply(List<? extends Change> changes) {
    try {
      return store.apply(changes);
    } catch (VersionConflictException e) {
      throw new PreconditionFailedException(e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(e.getMessage());
    }
  }

  /** Runs a conditional create's search and write without another conditional create in between. */
  <T> T conditionally(Supplier<T> write) {
    conditionalCreates.lock();
    try {
      return write.get();
    } finally {
      conditionalCreates.unlock();
    }
  }

  /** The one resource an {@code If-None-Exist} condition designates (412 if several). */
  Optional<Resource> existing(String type, String condition) {
    return conditional.match(type, condition);
  }

  /** The stored version a write produced (null for a delete). */
  Resource stored(Applied applied) {
    return store.vread(applied.type(), applied.id(), String.valueOf(applied.versionId())).orElse(null);
  }

  static IdType versionedId(Applied applied) {
    return new IdType(applied.type(), applied.id(), String.valueOf(applied.versionId()));
  }

  /** A new server-assigned id (a create does not choose its id; import-record and PUT do). */
  static String newId() {
    return UUID.randomUUID().toString();
  }

  /** @throws InvalidRequestException (400) unless the id follows R4's rule */
  static String checkedId(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new InvalidRequestException("'" + id + "' is not a FHIR id (1 to 64 letters, digits, '-' and '.')");
    }
    return id;
  }

  /**
   * The version an {@code If-Match} header expects ({@code W/"3"} or {@code "3"}), or null without one.
   *
   * @throws InvalidRequestException (400) when the header names no version
   */
  static Integer ifMatch(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    String version = ParameterUtil.parseETagValue(header.strip());
    if (version == null || !version.matches("[1-9][0-9]{0,8}")) {
      throw new InvalidRequestException("If-Match: '" + header + "' is not a version ETag such as W/\"3\"");
    }
    return Integer.valueOf(version);
  }
}
