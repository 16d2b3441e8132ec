package org.trialfhir.server;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.Transaction;
import ca.uhn.fhir.rest.annotation.TransactionParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleEntryResponseComponent;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.trialfhir.store.TrialStore.Action;
import org.trialfhir.store.TrialStore.Applied;
import org.trialfhir.store.TrialStore.Change;
import org.trialfhir.store.TrialStore.Delete;
import org.trialfhir.store.TrialStore.Upsert;
import org.trialfhir.validation.ProfileValidator;

/**
 * {@code POST [base]} with a {@code transaction} or {@code batch} Bundle of POST, PUT and DELETE entries on the trial
 * types. A transaction is validated whole (422 naming each invalid entry) and stored with one {@link
 * org.trialfhir.store.TrialStore#apply}: all entries or none. Its POST entries get new ids and every reference to an
 * entry's {@code fullUrl} ({@code urn:uuid:...}) is rewritten to the id given. A batch runs entry by entry; each entry
 * answers with its own status, a failed one with its OperationOutcome.
 */
final class TransactionProvider {
  private final FhirContext ctx;
  private final StoreWriter writer;
  private final ResourceValidation validation;
  private final Set<String> writableTypes;

  TransactionProvider(FhirContext ctx, StoreWriter writer, ResourceValidation validation, Set<String> writableTypes) {
    this.ctx = ctx;
    this.writer = writer;
    this.validation = validation;
    this.writableTypes = Set.copyOf(writableTypes);
  }

  /** HAPI's lenient parse is only used for routing; the body is parsed again strictly, so nothing is dropped. */
  @Transaction
  public Bundle transaction(@TransactionParam Bundle lenient, RequestDetails request) {
    String body = new String(request.loadRequestContents(),
        request.getCharset() == null ? StandardCharsets.UTF_8 : request.getCharset());
    Resource parsed = validation.parseStrictly(body, RestfulServerUtils.determineRequestEncodingNoDefault(request));
    if (!(parsed instanceof Bundle bundle)) {
      throw new InvalidRequestException("POST to the base takes a transaction or batch Bundle, not a "
          + parsed.fhirType());
    }
    if (bundle.getType() == BundleType.TRANSACTION) {
      boolean conditional = bundle.getEntry().stream().anyMatch(e -> e.getRequest().hasIfNoneExist());
      String base = request.getFhirServerBase();
      return conditional ? writer.conditionally(() -> transaction(bundle, base)) : transaction(bundle, base);
    }
    if (bundle.getType() == BundleType.BATCH) {
      return batch(bundle, request.getFhirServerBase());
    }
    throw new InvalidRequestException("POST to the base takes a Bundle of type transaction or batch, not "
        + (bundle.hasType() ? bundle.getType().toCode() : "one without a type"));
  }

  /** One entry's request, read and checked: what it changes, or the existing resource a conditional create found. */
  private record Planned(HTTPVerb method, String type, String id, Resource resource, Integer expected,
      Resource existing) {

    String key() {
      return type + "/" + id;
    }

    Change change() {
      return method == HTTPVerb.DELETE ? new Delete(type, id, expected) : new Upsert(resource, expected);
    }
  }

  private Bundle transaction(Bundle bundle, String base) {
    List<Planned> planned = new ArrayList<>();
    Map<String, String> newIds = new HashMap<>();
    for (int i = 0; i < bundle.getEntry().size(); i++) {
      BundleEntryComponent entry = bundle.getEntry().get(i);
      Planned plan = plan(i, entry);
      planned.add(plan);
      if (entry.hasFullUrl() && plan.method() != HTTPVerb.DELETE) {
        newIds.put(entry.getFullUrl(), plan.key());
      }
    }
    for (Planned plan : planned) {
      if (plan.resource() != null) {
        rewriteReferences(plan.resource(), newIds);
      }
    }
    List<Change> changes = new ArrayList<>();
    OperationOutcome invalid = new OperationOutcome();
    for (int i = 0; i < planned.size(); i++) {
      Planned plan = planned.get(i);
      if (plan.existing() != null) {
        continue;
      }
      if (plan.resource() != null) {
        for (OperationOutcomeIssueComponent issue : validation.incoming(plan.resource()).getIssue()) {
          if (issue.getSeverity() == IssueSeverity.ERROR || issue.getSeverity() == IssueSeverity.FATAL) {
            invalid.addIssue(located(issue, i, plan.type()));
          }
        }
      }
      changes.add(plan.change());
    }
    if (ProfileValidator.hasErrors(invalid)) {
      throw new UnprocessableEntityException("The transaction has invalid entries; nothing was stored", invalid);
    }
    List<Applied> applied = writer.apply(changes).applied();
    Bundle response = new Bundle().setType(BundleType.TRANSACTIONRESPONSE);
    int next = 0;
    for (Planned plan : planned) {
      response.addEntry(plan.existing() != null ? found(plan.existing(), base) : answered(applied.get(next++), base));
    }
    return response;
  }

  private Bundle batch(Bundle bundle, String base) {
    Bundle response = new Bundle().setType(BundleType.BATCHRESPONSE);
    for (int i = 0; i < bundle.getEntry().size(); i++) {
      BundleEntryComponent entry = bundle.getEntry().get(i);
      int index = i;
      try {
        BundleEntryComponent answer = entry.getRequest().hasIfNoneExist()
            ? writer.conditionally(() -> batchEntry(index, entry, base))
            : batchEntry(index, entry, base);
        response.addEntry(answer);
      } catch (BaseServerResponseException e) {
        response.addEntry(failed(e));
      }
    }
    return response;
  }

  private BundleEntryComponent batchEntry(int index, BundleEntryComponent entry, String base) {
    Planned plan = plan(index, entry);
    if (plan.existing() != null) {
      return found(plan.existing(), base);
    }
    if (plan.resource() != null) {
      ResourceValidation.requireValid(validation.incoming(plan.resource()));
    }
    return answered(writer.apply(List.of(plan.change())).applied().get(0), base);
  }

  /**
   * Reads one entry's request: POST {@code [type]} (optionally {@code ifNoneExist}), PUT {@code [type]/[id]} and
   * DELETE {@code [type]/[id]} (optionally {@code ifMatch}) on a writable type; anything else is a 400 naming the
   * entry.
   */
  private Planned plan(int index, BundleEntryComponent entry) {
    String where = "Bundle.entry[" + index + "]: ";
    if (!entry.hasRequest() || !entry.getRequest().hasMethod() || !entry.getRequest().hasUrl()) {
      throw new InvalidRequestException(where + "needs request.method and request.url");
    }
    HTTPVerb method = entry.getRequest().getMethod();
    String url = relative(entry.getRequest().getUrl());
    if (url.contains("?")) {
      throw new InvalidRequestException(where + "conditional " + method.toCode() + " (" + url + ") is not supported");
    }
    IdType target = new IdType(url);
    String type = url.contains("/") ? target.getResourceType() : url;
    if (!writableTypes.contains(type)) {
      throw new InvalidRequestException(where + "'" + type + "' is not a writable type here; writable: "
          + writableTypes.stream().sorted().toList());
    }
    Integer expected;
    try {
      expected = StoreWriter.ifMatch(entry.getRequest().getIfMatch());
    } catch (InvalidRequestException e) {
      throw new InvalidRequestException(where + e.getMessage());
    }
    Resource resource = entry.getResource();
    switch (method) {
      case POST -> {
        requireResource(where, resource, type);
        if (url.contains("/")) {
          throw new InvalidRequestException(where + "POST takes a type URL (" + type + "); to choose the id, PUT");
        }
        if (entry.getRequest().hasIfNoneExist()) {
          Optional<Resource> existing = writer.existing(type, entry.getRequest().getIfNoneExist());
          if (existing.isPresent()) {
            return new Planned(method, type, existing.get().getIdElement().getIdPart(), null, null,
                existing.get());
          }
        }
        Resource copy = resource.copy();
        copy.setId(new IdType(type, StoreWriter.newId()));
        return new Planned(method, type, copy.getIdElement().getIdPart(), copy, 0, null);
      }
      case PUT -> {
        requireResource(where, resource, type);
        String id = StoreWriter.checkedId(target.getIdPart());
        String bodyId = resource.getIdElement().getIdPart();
        if (bodyId != null && !bodyId.equals(id)) {
          throw new InvalidRequestException(where + "the resource's id (" + bodyId + ") is not the URL's (" + id
              + ")");
        }
        Resource copy = resource.copy();
        copy.setId(new IdType(type, id));
        return new Planned(method, type, id, copy, expected, null);
      }
      case DELETE -> {
        String id = StoreWriter.checkedId(target.getIdPart());
        if (writer.store().history(type, id).isEmpty()) {
          throw new ResourceNotFoundException(where + type + "/" + id + " is not known to this server");
        }
        return new Planned(method, type, id, null, expected, null);
      }
      default -> throw new InvalidRequestException(where + method.toCode()
          + " entries are not supported; a transaction or batch here takes POST, PUT and DELETE");
    }
  }

  private static void requireResource(String where, Resource resource, String type) {
    if (resource == null) {
      throw new InvalidRequestException(where + "has no resource");
    }
    if (!type.equals(resource.fhirType())) {
      throw new InvalidRequestException(where + "the resource is a " + resource.fhirType() + " but the URL names "
          + type);
    }
  }

  /** The entry URL without our base, so {@code http://host/fhir/Group/x} and {@code Group/x} mean the same. */
  private static String relative(String url) {
    String path = url.strip();
    if (path.startsWith("http://") || path.startsWith("https://")) {
      IdType id = new IdType(path);
      path = id.hasIdPart() ? id.getResourceType() + "/" + id.getIdPart() : path.substring(path.lastIndexOf('/') + 1);
    }
    return path.replaceAll("^/+|/+$", "");
  }

  /** Points every reference to another entry's fullUrl at the id that entry is stored under. */
  private void rewriteReferences(Resource resource, Map<String, String> newIds) {
    for (Reference reference : ctx.newTerser().getAllPopulatedChildElementsOfType(resource, Reference.class)) {
      String target = newIds.get(reference.getReference());
      if (target != null) {
        reference.setReference(target);
      }
    }
  }

  /** An issue of entry {@code index}'s resource, its location given from the Bundle. */
  private static OperationOutcomeIssueComponent located(OperationOutcomeIssueComponent issue, int index, String type) {
    OperationOutcomeIssueComponent copy = issue.copy();
    String prefix = "Bundle.entry[" + index + "].resource";
    List<StringType> expressions = new ArrayList<>();
    for (StringType expression : issue.getExpression()) {
      String value = expression.getValue();
      expressions.add(new StringType(value.startsWith(type) ? prefix + value.substring(type.length()) : prefix));
    }
    copy.setExpression(expressions);
    copy.getLocation().clear();
    if (expressions.isEmpty()) {
      copy.addExpression(prefix);
    }
    return copy;
  }

  private BundleEntryComponent answered(Applied applied, String base) {
    BundleEntryComponent answer = new BundleEntryComponent();
    BundleEntryResponseComponent response = answer.getResponse();
    String versioned = applied.type() + "/" + applied.id() + "/_history/" + applied.versionId();
    if (applied.action() == Action.DELETED || applied.action() == Action.NOT_FOUND) {
      response.setStatus("204 No Content");
      if (applied.versionId() > 0) {
        response.setEtag("W/\"" + applied.versionId() + "\"");
      }
      return answer;
    }
    Resource stored = writer.stored(applied).copy();
    answer.setFullUrl(base + "/" + applied.type() + "/" + applied.id());
    answer.setResource(stored);
    response.setStatus(applied.action() == Action.CREATED ? "201 Created" : "200 OK")
        .setLocation(versioned)
        .setEtag("W/\"" + applied.versionId() + "\"")
        .setLastModified(stored.getMeta().getLastUpdated());
    return answer;
  }

  private static BundleEntryComponent found(Resource existing, String base) {
    Resource copy = existing.copy();
    BundleEntryComponent answer = new BundleEntryComponent()
        .setFullUrl(base + "/" + copy.fhirType() + "/" + copy.getIdElement().getIdPart())
        .setResource(copy);
    answer.getResponse().setStatus("200 OK")
        .setLocation(copy.fhirType() + "/" + copy.getIdElement().getIdPart() + "/_history/"
            + copy.getMeta().getVersionId())
        .setEtag("W/\"" + copy.getMeta().getVersionId() + "\"")
        .setLastModified(copy.getMeta().getLastUpdated());
    return answer;
  }

  private static BundleEntryComponent failed(BaseServerResponseException e) {
    OperationOutcome outcome = e.getOperationOutcome() instanceof OperationOutcome given && given.hasIssue()
        ? given
        : new OperationOutcome();
    if (!outcome.hasIssue()) {
      outcome.addIssue().setSeverity(IssueSeverity.ERROR).setCode(IssueType.PROCESSING).setDiagnostics(e.getMessage());
    }
    BundleEntryComponent answer = new BundleEntryComponent();
    answer.getResponse().setStatus(e.getStatusCode() + " " + reason(e.getStatusCode())).setOutcome(outcome);
    return answer;
  }

  private static String reason(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      case 409 -> "Conflict";
      case 412 -> "Precondition Failed";
      case 422 -> "Unprocessable Entity";
      default -> "Error";
    };
  }
}
