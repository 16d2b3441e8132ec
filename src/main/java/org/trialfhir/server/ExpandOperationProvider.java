package org.trialfhir.server;

import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport.ValueSetExpansionOutcome;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import ca.uhn.fhir.context.support.ValueSetExpansionOptions;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.hl7.fhir.r4.model.UriType;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.r4.model.ValueSet.ValueSetExpansionComponent;
import org.hl7.fhir.r4.model.ValueSet.ValueSetExpansionContainsComponent;
import org.trialfhir.server.search.Text;
import org.trialfhir.store.TrialStore;

/**
 * {@code ValueSet/$expand} and {@code ValueSet/[id]/$expand} over the ValueSets this server serves (or one sent as
 * {@code valueSet}): the ValueSet out with an {@code expansion} holding {@code total}, {@code offset}, the parameters
 * used and the page of {@code contains} that {@code offset} and {@code count} ask for, after {@code filter} and
 * {@code activeOnly}.
 *
 * <p>HAPI's validation chain works out which codes the ValueSet holds; it ignores filter, count and offset and returns
 * the codes in no stable order, so {@link Expansion} orders, filters and pages them. A ValueSet this server does not
 * serve is a 400 (an unknown instance a 404).
 */
public final class ExpandOperationProvider {
  private static final String TYPE = "ValueSet";

  private final TrialStore store;
  private final Supplier<? extends IValidationSupport> support;

  ExpandOperationProvider(TrialStore store, Supplier<? extends IValidationSupport> support) {
    this.store = store;
    this.support = support;
  }

  /** Expands one of our ValueSets (the instance, or by url) or the ValueSet sent. */
  @Operation(name = "$expand", type = ValueSet.class, idempotent = true)
  public ValueSet expand(
      @IdParam(optional = true) IdType id,
      @OperationParam(name = "url", max = 1) UriType url,
      @OperationParam(name = "valueSet", max = 1) ValueSet valueSet,
      @OperationParam(name = "valueSetVersion", max = 1) StringType valueSetVersion,
      @OperationParam(name = "filter", max = 1) StringType filter,
      // Strings, which HAPI also fills from a POSTed valueInteger: its own integer parsing of a GET value like
      // offset=x fails with a 500, not a 400.
      @OperationParam(name = "offset", max = 1) String offset,
      @OperationParam(name = "count", max = 1) String count,
      @OperationParam(name = "includeDesignations", max = 1) BooleanType includeDesignations,
      @OperationParam(name = "activeOnly", max = 1) BooleanType activeOnly) {
    ValueSet source = valueSet(id, url, valueSet, OperationParams.text(valueSetVersion));
    Integer first = nonNegative("offset", offset);
    Integer size = nonNegative("count", count);

    IValidationSupport chain = support.get();
    // The chain caches expansions by id and url: a ValueSet sent goes without its id, so that one sent with the id of
    // a served ValueSet is not answered with the served one's codes.
    ValueSet toExpand = source;
    if (valueSet != null) {
      toExpand = source.copy();
      toExpand.setIdElement(null);
    }
    ValueSetExpansionOutcome outcome = chain.expandValueSet(new ValidationSupportContext(chain),
        new ValueSetExpansionOptions().setFailOnMissingCodeSystem(true), toExpand);
    if (outcome == null || outcome.getValueSet() == null) {
      throw new InvalidRequestException("$expand: ValueSet " + (source.hasUrl() ? source.getUrl() : "sent")
          + " cannot be expanded here" + (outcome == null || outcome.getError() == null ? "" : ": " + outcome.getError()));
    }
    Expansion expansion = new Expansion(chain, source, ((ValueSet) outcome.getValueSet()).getExpansion().getContains());
    expansion.keepActiveOnly(activeOnly != null && activeOnly.booleanValue());
    expansion.keepDesignations(includeDesignations != null && includeDesignations.booleanValue());
    expansion.filter(OperationParams.text(filter));

    ValueSet expanded = source.copy();
    ValueSetExpansionComponent out = expanded.getExpansion()
        .setIdentifier("urn:uuid:" + UUID.randomUUID())
        .setTimestamp(new Date())
        .setTotal(expansion.size());
    if (first != null) {
      out.setOffset(first);
    }
    parameter(out, "filter", OperationParams.text(filter) == null ? null : new StringType(OperationParams.text(filter)));
    parameter(out, "offset", first == null ? null : new IntegerType(first));
    parameter(out, "count", size == null ? null : new IntegerType(size));
    parameter(out, "includeDesignations", includeDesignations);
    parameter(out, "activeOnly", activeOnly);
    out.getContains().addAll(expansion.page(first == null ? 0 : first, size == null ? Integer.MAX_VALUE : size));
    return expanded;
  }

  /** The ValueSet to expand: exactly one of the instance, {@code url} (ours), and {@code valueSet}. */
  private ValueSet valueSet(IdType id, UriType url, ValueSet inline, String version) {
    boolean instance = id != null && id.hasIdPart();
    int given = (instance ? 1 : 0) + (OperationParams.text(url) != null ? 1 : 0) + (inline != null ? 1 : 0);
    if (given != 1) {
      throw new InvalidRequestException("$expand needs one ValueSet: the instance in the path, 'url', or 'valueSet'"
          + (given > 1 ? ", not several" : ""));
    }
    ValueSet found;
    if (instance) {
      found = (ValueSet) OperationParams.stored(store, TYPE, id);
    } else if (inline != null) {
      found = inline;
    } else {
      found = served(OperationParams.text(url));
    }
    if (version != null && !version.equals(found.getVersion())) {
      throw new InvalidRequestException("$expand: ValueSet " + found.getUrl() + " is served in version "
          + found.getVersion() + " only, not " + version);
    }
    return found;
  }

  private ValueSet served(String url) {
    String bare = url.contains("|") ? url.substring(0, url.indexOf('|')) : url;
    for (Resource resource : store.all(TYPE)) {
      if (resource instanceof ValueSet vs && bare.equals(vs.getUrl())) {
        if (!bare.equals(url) && !url.substring(bare.length() + 1).equals(vs.getVersion())) {
          throw new InvalidRequestException("$expand: ValueSet " + bare + " is served in version " + vs.getVersion()
              + " only, not " + url.substring(bare.length() + 1));
        }
        return vs;
      }
    }
    throw new InvalidRequestException("$expand: " + url + " is not a ValueSet this server serves (GET ValueSet lists them)");
  }

  private static Integer nonNegative(String name, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    return OperationParams.nonNegative(value).orElseThrow(() -> new InvalidRequestException(
        "$expand: '" + name + "' must be a whole number, 0 or more, not '" + value + "'"));
  }

  /** Echoes a parameter the expansion used, as R4 asks ({@code expansion.parameter}). */
  private static void parameter(ValueSetExpansionComponent expansion, String name, Type value) {
    if (value != null && !value.isEmpty()) {
      expansion.addParameter().setName(name).setValue(value);
    }
  }

  /** The codes of one expansion, in the ValueSet's order, narrowed and paged. */
  private static final class Expansion {
    private final List<ValueSetExpansionContainsComponent> codes;

    Expansion(IValidationSupport chain, ValueSet valueSet, List<ValueSetExpansionContainsComponent> expanded) {
      // Copies: the chain caches the expansion it returned.
      this.codes = new ArrayList<>();
      expanded.forEach(c -> codes.add(c.copy()));
      codes.sort(new ComposeOrder(chain, valueSet));
    }

    void keepActiveOnly(boolean activeOnly) {
      if (activeOnly) {
        codes.removeIf(ValueSetExpansionContainsComponent::getInactive);
      }
    }

    void keepDesignations(boolean include) {
      if (!include) {
        codes.forEach(c -> c.getDesignation().clear());
      }
    }

    void filter(String text) {
      if (text != null) {
        // Like a string search on words: every word of the filter starts a word of the display or the code.
        List<String> words = Text.words(Text.fold(text));
        codes.removeIf(c -> !words.stream().allMatch(w -> Text.hasWordStartingWith(Text.fold(c.getDisplay()), w)
            || Text.hasWordStartingWith(Text.fold(c.getCode()), w)));
      }
    }

    int size() {
      return codes.size();
    }

    List<ValueSetExpansionContainsComponent> page(int offset, int count) {
      int from = Math.min(offset, codes.size());
      return codes.subList(from, (int) Math.min((long) from + count, codes.size()));
    }
  }
}
