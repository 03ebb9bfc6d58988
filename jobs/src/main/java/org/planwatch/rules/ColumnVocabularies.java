package org.planwatch.rules;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which column of which table takes which controlled vocabulary. Silver validation rejects any
 * other value, and each silver table carries the same list as a Delta CHECK constraint.
 */
public final class ColumnVocabularies {
  private ColumnVocabularies() {}

  private static final Map<String, Map<String, List<String>>> BY_TABLE = new LinkedHashMap<>();

  static {
    put("region", "level", Vocabulary.codes(Vocabulary.RegionLevel.class));
    put("indicator", "attribute", Vocabulary.codes(Vocabulary.Attribute.class));
    put("indicator", "direction", Vocabulary.codes(Vocabulary.Direction.class));
    put("indicator", "growth_model", Vocabulary.codes(Vocabulary.GrowthModel.class));
    put("indicator", "measure_type", Vocabulary.codes(Vocabulary.MeasureType.class));
    put("plan_target", "target_kind", Vocabulary.codes(TargetKind.class));
    put("plan_target", "planned_growth_kind", Vocabulary.codes(Vocabulary.PlannedGrowthKind.class));
    put("plan_revision", "revised_field", Vocabulary.codes(Vocabulary.RevisedField.class));
    put("plan_revision", "revision_kind", Vocabulary.codes(Vocabulary.RevisionKind.class));
    put("observation", "value_kind", Vocabulary.codes(Vocabulary.ValueKind.class));
    put("observation", "statistical_scope", Vocabulary.codes(Vocabulary.StatisticalScope.class));
    put("published_evaluation", "progress_rating", Vocabulary.codes(Vocabulary.PublishedRating.class));
    put("published_evaluation", "expectation", Vocabulary.codes(Vocabulary.PublishedExpectation.class));
    put("published_figure", "measure", Vocabulary.codes(ProgressMeasure.class));
    put("indicator_crosswalk", "comparability", Vocabulary.codes(Vocabulary.Comparability.class));
    put("reconciliation_note", "category", List.of("different_base", "mixed_bases", "other_statistical_scope", "different_price_basis", "different_period",
        "formula_not_stated", "other_inputs", "document_judgement"));
    put("reconciliation_note", "source_kind", List.of("table_evaluation", "table_derived_column", "prose"));
    put("commitment_quantity", "source_field", Vocabulary.codes(Vocabulary.CommitmentField.class));
    put("commitment_quantity", "role", Vocabulary.codes(Vocabulary.QuantityRole.class));
    put("commitment_quantity", "bound", Vocabulary.codes(Vocabulary.QuantityBound.class));
    put("commitment_link", "relation", Vocabulary.codes(Vocabulary.CommitmentLinkRelation.class));
    put("reconciliation_note", "measure", union(Vocabulary.codes(ProgressMeasure.class), List.of("progress_status", "expected_attainment")));
  }

  private static List<String> union(List<String> a, List<String> b) {
    List<String> out = new java.util.ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static void put(String table, String column, List<String> codes) {
    BY_TABLE.computeIfAbsent(table, t -> new LinkedHashMap<>()).put(column, codes);
  }

  /** Column -> allowed codes for a silver table (by its unqualified name). */
  public static Map<String, List<String>> of(String table) {
    return BY_TABLE.getOrDefault(table, Map.of());
  }
}
