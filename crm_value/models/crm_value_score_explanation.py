"""'Why this score?': the score's inputs in words."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools.misc import format_date, formatLang


class CrmValueScore(models.Model):
    _inherit = "crm.value.score"  # pylint: disable=consider-merging-classes-inherited

    explanation_html = fields.Html(
        string="Why This Score?",
        compute="_compute_explanation_html",
        sanitize=False,  # built below from escaped values only
        help="The numbers, thresholds and rules that gave this customer its class, scores, state and "
        "indices.",
    )

    @api.depends("inputs")
    @api.depends_context("lang")
    def _compute_explanation_html(self):
        for score in self:
            score.explanation_html = score._crm_value_explain() if score.inputs else False

    # ------------------------------------------------------------------
    # helpers: every value is escaped by Markup.format / escape
    # ------------------------------------------------------------------
    def _crm_value_money(self, value):
        if value is None:
            return "-"
        return formatLang(
            self.env, value, currency_obj=self.company_id.currency_id or self.env.company.currency_id
        )

    def _crm_value_number(self, value, digits=2):
        if value is None:
            return "-"
        return formatLang(self.env, value, digits=digits)

    def _crm_value_date(self, value):
        return format_date(self.env, value) if value else "-"

    def _crm_value_explain(self):
        self.ensure_one()
        inputs = self.inputs or {}
        sections = []
        for title, lines in (
            (self.env._("Value class (80/20)"), self._crm_value_explain_abc(inputs.get("abc") or {})),
            (self.env._("RFM scores"), self._crm_value_explain_rfm(inputs.get("rfm") or {})),
            (
                self.env._("Development index"),
                self._crm_value_explain_development(inputs.get("development") or {}),
            ),
            (self.env._("Churn state"), self._crm_value_explain_churn(inputs.get("churn") or {})),
            (
                self.env._("Recommended service"),
                self._crm_value_explain_service(inputs.get("service_tier") or {}),
            ),
            (self.env._("Benefit index"), self._crm_value_explain_benefit(inputs.get("benefit") or {})),
            (self.env._("Figures and costs"), self._crm_value_explain_values(inputs)),
        ):
            items = Markup("").join(Markup("<li>{}</li>").format(line) for line in lines)
            sections.append(Markup("<h5>{}</h5><ul>{}</ul>").format(title, items))
        windows = inputs.get("windows") or {}
        period = windows.get("period") or [None, None]
        header = Markup("<p>{}</p>").format(
            self.env._(
                "Computed as of %(as_of)s from posted invoices and credit notes; period %(start)s to %(end)s "
                "(%(months)s months), method %(method)s.",
                as_of=self._crm_value_date(inputs.get("as_of")),
                start=self._crm_value_date(period[0]),
                end=self._crm_value_date(period[1]),
                months=windows.get("period_months", "-"),
                method=inputs.get("method_version", "-"),
            )
        )
        return Markup('<div class="o_crm_value_explanation">{}{}</div>').format(
            header, Markup("").join(sections)
        )

    def _crm_value_explain_abc(self, abc):
        basis = self.env._("period margin") if abc.get("basis") != "revenue" else self.env._("period revenue")
        value = self._crm_value_money(abc.get("value"))
        rule = abc.get("rule")
        if rule == "value_not_positive":
            return [
                self.env._(
                    "Class N: the %(basis)s is %(value)s, zero or a loss, so the customer is not ranked.",
                    basis=basis,
                    value=value,
                )
            ]
        lines = [
            self.env._(
                "Ranked %(rank)s of %(count)s customers by %(basis)s (%(value)s of %(total)s).",
                rank=abc.get("rank"),
                count=abc.get("ranked_customers"),
                basis=basis,
                value=value,
                total=self._crm_value_money(abc.get("company_total")),
            ),
            self.env._(
                "The customers ranked before it make %(before)s%% of the total; with it, %(cumulative)s%%.",
                before=self._crm_value_number(abc.get("share_before")),
                cumulative=self._crm_value_number(abc.get("cumulative_share")),
            ),
        ]
        thresholds = {
            "a": self._crm_value_number(abc.get("threshold_a")),
            "b": self._crm_value_number(abc.get("threshold_b")),
        }
        if rule == "share_before_below_a":
            lines.append(
                self.env._("Class A: that share is under the class A threshold of %(a)s%%.", **thresholds)
            )
        elif rule == "share_before_below_b":
            lines.append(
                self.env._(
                    "Class B: that share reaches the class A threshold of %(a)s%% but is under the "
                    "class B threshold of %(b)s%%.",
                    **thresholds,
                )
            )
        else:
            lines.append(
                self.env._("Class C: that share reaches the class B threshold of %(b)s%%.", **thresholds)
            )
        return lines

    def _crm_value_explain_cuts(self, cuts, money=False):
        parts = []
        for score, cut in zip(range(2, 6), cuts or [], strict=False):
            if cut is not None:
                parts.append(
                    f"{score}: {self._crm_value_money(cut) if money else self._crm_value_number(cut, 0)}"
                )
        return ", ".join(parts) or "-"

    def _crm_value_explain_rfm(self, rfm):
        if rfm.get("rule") == "no_purchase_in_history":
            return [self.env._("No purchase in the history window: no RFM scores.")]
        lines = [
            self.env._(
                "Scores 1 to 5 (5 best) by rank among the %(count)s customers with a purchase in the history "
                "window: score = 1 + floor(5 x customers strictly worse / customers), ties share a score.",
                count=rfm.get("population"),
            ),
            self.env._(
                "Recency %(score)s: last purchase %(days)s days ago "
                "(a score is reached up to: %(cuts)s days).",
                score=rfm.get("recency"),
                days=rfm.get("recency_days"),
                cuts=self._crm_value_explain_cuts(rfm.get("recency_cuts")),
            ),
            self.env._(
                "Frequency %(score)s: %(count)s purchases in the period (a score is reached from: %(cuts)s).",
                score=rfm.get("frequency_score"),
                count=rfm.get("frequency"),
                cuts=self._crm_value_explain_cuts(rfm.get("frequency_cuts")),
            ),
            self.env._(
                "Monetary %(score)s: period margin %(value)s (a score is reached from: %(cuts)s).",
                score=rfm.get("monetary_score"),
                value=self._crm_value_money(rfm.get("monetary")),
                cuts=self._crm_value_explain_cuts(rfm.get("monetary_cuts"), money=True),
            ),
        ]
        if self.rfm_segment:
            lines.append(
                self.env._(
                    "Segment %(segment)s: the first row of the RFM grid holding recency %(r)s and "
                    "frequency %(f)s.",
                    segment=self.rfm_segment.name,
                    r=rfm.get("recency"),
                    f=rfm.get("frequency_score"),
                )
            )
        else:
            lines.append(self.env._("No row of the RFM grid holds these scores."))
        return lines

    def _crm_value_explain_development(self, development):
        labels = {
            "revenue": self.env._("Revenue"),
            "margin": self.env._("Margin"),
            "purchases": self.env._("Purchases"),
            "categories": self.env._("Product categories"),
        }
        weights = development.get("weights") or {}
        lines = [
            self.env._(
                "Index %(index)s: 100 means growing in step with the company, above faster, below slower "
                "(0 to 200). Each measure's growth g = (current - previous) / mean of both (absolute values, "
                "0 when both are 0), against the company's growth G; index = 100 + 50 x (g - G), clamped, "
                "weighted mean of the measures.",
                index=self._crm_value_number(development.get("index"), 1),
            )
        ]
        for key, metric in (development.get("metrics") or {}).items():
            money = key in ("revenue", "margin")
            fmt = self._crm_value_money if money else (lambda value: self._crm_value_number(value, 0))
            lines.append(
                self.env._(
                    "%(measure)s (weight %(weight)s): %(current)s against %(previous)s, "
                    "growth %(growth)s; company "
                    "%(co_current)s against %(co_previous)s; index %(index)s.",
                    measure=labels.get(key, key),
                    weight=self._crm_value_number(weights.get(key), 0),
                    current=fmt(metric.get("current")),
                    previous=fmt(metric.get("previous")),
                    growth=self._crm_value_number(metric.get("growth")),
                    co_current=fmt(metric.get("company_current")),
                    co_previous=fmt(metric.get("company_previous")),
                    index=self._crm_value_number(metric.get("index"), 1),
                )
            )
        return lines

    def _crm_value_explain_churn(self, churn):
        states = dict(self._fields["churn_state"]._description_selection(self.env))
        state = states.get(churn.get("state"), churn.get("state") or "-")
        thresholds = churn.get("thresholds") or {}
        if churn.get("rule") == "no_purchase_in_history":
            return [self.env._("%(state)s: no purchase in the history window.", state=state)]
        sources = {
            "own_mean": self.env._("the mean of its own intervals between purchases"),
            "company_median": self.env._("the company's median interval (one-time buyer)"),
            "fallback": self.env._("a default, the company having no repeat buyer"),
        }
        lines = [
            self.env._(
                "Last purchase %(days)s days ago; expected interval %(interval)s days (%(origin)s); "
                "ratio %(ratio)s.",
                days=churn.get("days_since_last_purchase"),
                interval=self._crm_value_number(churn.get("expected_interval_days"), 1),
                origin=sources.get(churn.get("interval_source"), "-"),
                ratio=self._crm_value_number(churn.get("ratio")),
            ),
            self.env._(
                "Thresholds: at risk from %(at_risk)s, dormant from %(dormant)s, lost from %(lost)s.",
                at_risk=thresholds.get("at_risk"),
                dormant=thresholds.get("dormant"),
                lost=thresholds.get("lost"),
            ),
        ]
        rules = {
            "ratio_from_lost": self.env._("%(state)s: the ratio reaches the lost threshold."),
            "ratio_from_dormant": self.env._("%(state)s: the ratio reaches the dormant threshold."),
            "ratio_from_at_risk": self.env._("%(state)s: the ratio reaches the at-risk threshold."),
            "first_purchase_in_period": self.env._(
                "%(state)s: first purchase within the period, ratio under at risk."
            ),
            "bought_again_after_dormant_gap": self.env._(
                "%(state)s: bought again after a gap of %(gap)s days, "
                "%(gap_ratio)s times the company's median "
                "interval (dormant threshold)."
            ),
            "ratio_below_at_risk": self.env._("%(state)s: the ratio is under the at-risk threshold."),
        }
        signals = churn.get("signals") or []
        labels = self._crm_value_churn_signal_labels()
        if churn.get("rule") in signals:
            base = churn.get("state_before_signals")
            lines.append(
                self.env._(
                    "%(state)s: raised by a signal: %(signal)s. From its purchases alone: %(base)s.",
                    state=state,
                    signal=labels.get(churn["rule"], churn["rule"]),
                    base=states.get(base, base or "-"),
                )
            )
        else:
            rule = rules.get(churn.get("rule"), "%(state)s")
            lines.append(
                rule
                % {
                    "state": state,
                    "gap": churn.get("previous_gap_days"),
                    "gap_ratio": self._crm_value_number(churn.get("previous_gap_ratio")),
                }
            )
        others = [labels.get(key, key) for key in signals if key != churn.get("rule")]
        if others:
            lines.append(
                self.env._(
                    "Signals also found (they raise new, active and reactivated customers to at risk "
                    "only): %(signals)s.",
                    signals="; ".join(others),
                )
            )
        return lines

    def _crm_value_explain_service(self, service):
        tiers = dict(self._fields["service_tier"]._description_selection(self.env))
        if service.get("rule") == "no_matching_rule":
            return [
                self.env._(
                    "No row of the service-tier matrix holds class %(abc)s and development index %(index)s.",
                    abc=service.get("abc_class"),
                    index=self._crm_value_number(service.get("development_index"), 1),
                )
            ]
        return [
            self.env._(
                "%(tier)s: the first row of the service-tier matrix holding class %(abc)s "
                "and development index "
                "%(index)s.",
                tier=tiers.get(service.get("tier"), service.get("tier")),
                abc=service.get("abc_class"),
                index=self._crm_value_number(service.get("development_index"), 1),
            )
        ]

    def _crm_value_explain_benefit(self, benefit):
        if benefit.get("rule") == "no_component_with_data":
            return [self.env._("No benefit component has data for this customer: no index.")]
        lines = [
            self.env._(
                "Index %(index)s: weighted mean of the components with data (0 to 1 each), times 100.",
                index=self._crm_value_number(benefit.get("index"), 1),
            )
        ]
        labels = {
            component["key"]: component["label"]
            for component in self.with_company(
                self.company_id or self.env.company
            )._crm_value_benefit_components()
        }
        for key, value in (benefit.get("components") or {}).items():
            lines.append(self.env._("%(component)s: %(value)s", component=labels.get(key, key), value=value))
        return lines

    def _crm_value_explain_values(self, inputs):
        values = inputs.get("values") or {}
        costs = inputs.get("cost_sources") or {}
        return [
            self.env._(
                "Period: revenue %(revenue)s, margin %(margin)s, %(count)s purchases (days with net invoiced "
                "revenue above zero; credit notes on the date of the invoice they reverse).",
                revenue=self._crm_value_money(values.get("revenue_period")),
                margin=self._crm_value_money(values.get("margin_period")),
                count=values.get("purchases_period"),
            ),
            self.env._(
                "History: revenue %(revenue)s, margin %(margin)s, %(count)s purchases "
                "from %(first)s to %(last)s.",
                revenue=self._crm_value_money(values.get("revenue_total")),
                margin=self._crm_value_money(values.get("margin_total")),
                count=values.get("purchases_total"),
                first=self._crm_value_date(values.get("first_purchase_date")),
                last=self._crm_value_date(values.get("last_purchase_date")),
            ),
            self.env._(
                "Cost of the invoice lines: %(cogs)s from the booked cost of goods sold, "
                "%(sale)s from the sale lines' cost, %(standard)s estimated at the product's current cost "
                "(%(share)s%% of the revenue), "
                "%(none)s without a product (no cost).",
                cogs=costs.get("lines_cogs", 0),
                sale=costs.get("lines_sale", 0),
                standard=costs.get("lines_standard", 0),
                none=costs.get("lines_none", 0),
                share=self._crm_value_number(costs.get("estimated_share") or 0),
            ),
        ]
