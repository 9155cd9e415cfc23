from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

# Rules a consultant sets per pool and may override per level (lifecycle stage).
LEVEL_DAY_FIELDS = ("no_contact_days", "no_opportunity_days", "no_deal_days", "followup_days")
RELEASE_RULES = [
    ("no_contact", "No Contact"),
    ("no_opportunity", "No Opportunity"),
    ("no_deal", "No Deal"),
]


class CrmPool(models.Model):
    """A public pool ("public sea") of customers nobody owns, and the rules of ownership."""

    _name = "crm.pool"
    _description = "Customer Pool"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    is_default = fields.Boolean(
        string="Default Pool",
        help="New customers of the company, and customers of teams without a pool of their own, "
        "belong to this pool. Each company has exactly one.",
    )
    team_ids = fields.Many2many(
        "crm.team",
        string="Sales Teams",
        check_company=True,
        help="Only the members and leaders of these teams see and claim the customers of the pool. "
        "Empty: every salesperson of the company.",
    )
    handover_to_team_leader = fields.Boolean(
        string="Hand Over to Team Leader",
        help="When a salesperson is archived, give their customers to their team leader instead of "
        "returning them to the pool.",
    )
    description = fields.Text(translate=True)
    # release rules, counted in days; 0 switches a rule off
    no_contact_days = fields.Integer(
        string="Release Without Contact (Days)",
        default=30,
        help="Return a customer to the pool after this many days without a contact by its owner "
        "(a message, an email, a call, a done activity or a meeting). 0: never.",
    )
    no_opportunity_days = fields.Integer(
        string="Release Without Opportunity (Days)",
        default=60,
        help="Return a customer to the pool this many days after the claim when it has no open "
        "opportunity or quotation. 0: never.",
    )
    no_deal_days = fields.Integer(
        string="Release Without Deal (Days)",
        default=180,
        help="Return a customer to the pool this many days after the claim when no order was "
        "confirmed and no invoice posted since. 0: never.",
    )
    protection_days = fields.Integer(
        default=7, help="Never release a customer within this many days of its claim."
    )
    warn_days = fields.Integer(
        string="Warn Before (Days)",
        default=3,
        help="Give the owner an activity this many days before a customer returns to the pool.",
    )
    exempt_deal_customers = fields.Boolean(
        string="Exempt Customers With a Deal",
        default=True,
        help="Customers with a confirmed order or a posted invoice are never released.",
    )
    exempt_open_opportunity = fields.Boolean(
        string="Exempt Open Opportunities",
        default=True,
        help="Customers with an open opportunity or quotation are never released.",
    )
    max_owned = fields.Integer(
        string="Customers per Salesperson",
        default=200,
        help="How many customers of this pool a salesperson may own at once. 0: no limit.",
    )
    max_locked = fields.Integer(
        string="Locked per Salesperson",
        default=10,
        help="How many customers of this pool a salesperson may lock against release. 0: none.",
    )
    max_claims_per_day = fields.Integer(
        string="Claims per Day",
        default=20,
        help="How many customers of this pool a salesperson may claim in a day. 0: no limit.",
    )
    reclaim_cooldown_days = fields.Integer(
        string="Reclaim Cooldown (Days)",
        default=30,
        help="The previous owner of a released customer waits this many days before claiming it again.",
    )
    followup_days = fields.Integer(
        string="Follow Up Every (Days)",
        default=14,
        help="Default follow-up interval of the customers of the pool, when neither the customer "
        "nor its level sets one.",
    )
    level_ids = fields.One2many(
        "crm.pool.level",
        "pool_id",
        string="Levels",
        copy=True,
        help="Day limits by lifecycle stage, replacing the pool's own.",
    )
    partner_ids = fields.One2many("res.partner", "crm_pool_id", string="Customers")
    pool_partner_count = fields.Integer(compute="_compute_partner_counts", string="In Pool")
    owned_partner_count = fields.Integer(compute="_compute_partner_counts", string="Owned")

    _sql_constraints = [
        ("no_contact_days_positive", "CHECK(no_contact_days >= 0)", "Day limits cannot be negative."),
        ("no_opportunity_days_positive", "CHECK(no_opportunity_days >= 0)", "Day limits cannot be negative."),
        ("no_deal_days_positive", "CHECK(no_deal_days >= 0)", "Day limits cannot be negative."),
        ("protection_days_positive", "CHECK(protection_days >= 0)", "Day limits cannot be negative."),
        ("warn_days_positive", "CHECK(warn_days >= 0)", "Day limits cannot be negative."),
        ("max_owned_positive", "CHECK(max_owned >= 0)", "Limits cannot be negative."),
        ("max_locked_positive", "CHECK(max_locked >= 0)", "Limits cannot be negative."),
        ("max_claims_positive", "CHECK(max_claims_per_day >= 0)", "Limits cannot be negative."),
        ("cooldown_positive", "CHECK(reclaim_cooldown_days >= 0)", "Day limits cannot be negative."),
        ("followup_days_positive", "CHECK(followup_days >= 0)", "Day limits cannot be negative."),
    ]

    def _compute_partner_counts(self):
        counts = {
            (pool.id, state): count
            for pool, state, count in self.env["res.partner"]._read_group(
                [
                    ("crm_pool_id", "in", self.ids),
                    ("lifecycle_stage_id", "!=", False),
                    ("parent_id", "=", False),
                ],
                ["crm_pool_id", "crm_pool_state"],
                ["__count"],
            )
        }
        for pool in self:
            pool.pool_partner_count = counts.get((pool.id, "pool"), 0)
            pool.owned_partner_count = counts.get((pool.id, "owned"), 0)

    @api.constrains("is_default", "company_id", "active")
    def _check_one_default(self):
        for company in self.company_id:
            defaults = self.search_count([("company_id", "=", company.id), ("is_default", "=", True)])
            if defaults > 1:
                raise ValidationError(
                    self.env._(
                        "%(company)s already has a default pool. Untick 'Default Pool' on the other "
                        "one first.",
                        company=company.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        pools = super().create(vals_list)
        pools.env["res.users"].invalidate_model(["crm_pool_ids"])
        return pools

    def write(self, vals):
        result = super().write(vals)
        if "team_ids" in vals or "active" in vals:
            self.env["res.users"].invalidate_model(["crm_pool_ids"])
        if set(vals) & set(
            LEVEL_DAY_FIELDS
            + ("protection_days", "warn_days", "exempt_deal_customers", "exempt_open_opportunity")
        ):
            self.env["res.partner"]._crm_refresh_schedule(pools=self)
        return result

    def action_open_partners(self):
        """The customers of the pool, in the pool or owned (``crm_pool_state`` in context)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_lifecycle.crm_lifecycle_partner_action")
        state = self.env.context.get("crm_pool_state", "pool")
        action["domain"] = [
            ("crm_pool_id", "=", self.id),
            ("crm_pool_state", "=", state),
            ("lifecycle_stage_id", "!=", False),
            ("parent_id", "=", False),
        ]
        action["display_name"] = self.display_name
        return action

    @api.model
    def _get_default(self, company=None):
        """The default pool of ``company``, created when a new company has none yet."""
        company = company or self.env.company
        pool = self.sudo().search([("company_id", "=", company.id), ("is_default", "=", True)], limit=1)
        if not pool:
            # sudo: every company needs its default pool, whoever creates its first customer
            pool = self.sudo().create(
                {"name": self.env._("Public Pool"), "company_id": company.id, "is_default": True}
            )
        return pool.with_env(self.env)

    @api.model
    def _get_for_team(self, team, company=None):
        """The pool a customer of ``team`` returns to: the team's own pool, else the default one."""
        company = company or team.company_id or self.env.company
        if team:
            pool = self.sudo().search(
                [("team_ids", "in", team.ids), ("company_id", "=", company.id)], limit=1
            )
            if pool:
                return pool.with_env(self.env)
        return self._get_default(company)

    def _is_visible_to(self, user):
        """Whether ``user`` sees and claims the customers of the pool."""
        self.ensure_one()
        if not self.team_ids:
            return self.company_id in user.company_ids
        return bool(user in self.team_ids.member_ids or user in self.team_ids.user_id)

    @api.model
    def _init_ownership(self):
        """Install and upgrade: every followed customer gets its company's default pool and an
        ownership state; owners of an existing database keep their customers from today on."""
        # sudo: the install hook sets up every company, whatever the installing user's companies
        Company = self.env["res.company"].sudo().with_context(active_test=False)
        companies = Company.search([("id", "!=", False)])
        for company in companies:
            self._get_default(company)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner p
                   SET crm_pool_id = COALESCE(p.crm_pool_id, (
                           SELECT pool.id FROM crm_pool pool
                            WHERE pool.is_default AND pool.active
                              AND pool.company_id = COALESCE(p.company_id, %(company)s)
                            ORDER BY pool.id LIMIT 1)),
                       crm_pool_state = CASE WHEN p.user_id IS NULL THEN 'pool' ELSE 'owned' END,
                       owner_since = CASE WHEN p.user_id IS NULL THEN NULL
                                          ELSE COALESCE(p.owner_since, %(now)s) END
                 WHERE p.lifecycle_stage_id IS NOT NULL AND p.id = p.commercial_partner_id
                   AND p.crm_pool_state IS NULL
             RETURNING p.id
                """,
                company=self.env.company.id,
                now=fields.Datetime.now(),
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        self.env["res.partner"].invalidate_model(["crm_pool_id", "crm_pool_state", "owner_since"])
        self.env["res.partner"]._crm_refresh_schedule(ids=ids)
