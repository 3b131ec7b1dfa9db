"""Enforcement measures (issue 11): measures and their steps, coercion plans with their sending and
police status, days without coercion set by a head, hard cases, the steering committee's member
agencies, meetings, tasks and conclusions; ``deadline.measure_id`` ties a statutory period to the
measure whose step opened it.

Revision ID: 0007_measures
Revises: 0006_intake (the lead re-chains migrations when merging)
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_measures"
down_revision = "0006_intake"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('committee_agency',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint("kind IN ('police', 'procuracy', 'court', 'justice', 'agri_env', 'military', 'bank', 'inspectorate', 'commune', 'other')", name=op.f('ck_committee_agency_kind')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_committee_agency_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_agency')),
    sa.UniqueConstraint('unit_id', 'name', name=op.f('uq_committee_agency_unit_id_name'))
    )
    with op.batch_alter_table('committee_agency', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_committee_agency_unit_id'), ['unit_id'], unique=False)

    op.create_table('coercion_excluded_day',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_coercion_excluded_day_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_coercion_excluded_day_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coercion_excluded_day')),
    sa.UniqueConstraint('unit_id', 'on', name=op.f('uq_coercion_excluded_day_unit_id_on'))
    )
    with op.batch_alter_table('coercion_excluded_day', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coercion_excluded_day_unit_id'), ['unit_id'], unique=False)

    op.create_table('committee_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('chaired_by', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_committee_meeting_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_committee_meeting_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_meeting'))
    )
    with op.batch_alter_table('committee_meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_committee_meeting_unit_id'), ['unit_id'], unique=False)

    op.create_table('hard_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('reason_note', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('settled_on', sa.Date(), nullable=True),
    sa.Column('settled_note', sa.Text(), nullable=True),
    sa.Column('next_review_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("reason IN ('large_amount', 'organised_obstruction', 'land_dispute', 'enterprise', 'public_concern', 'inter_agency', 'other')", name=op.f('ck_hard_case_reason')),
    sa.CheckConstraint("status IN ('open', 'settled')", name=op.f('ck_hard_case_status')),
    sa.ForeignKeyConstraint(['case_id'], ['enforcement_case.id'], name=op.f('fk_hard_case_case_id_enforcement_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['opened_by_id'], ['user_account.id'], name=op.f('fk_hard_case_opened_by_id_user_account')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_hard_case_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hard_case'))
    )
    with op.batch_alter_table('hard_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hard_case_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_hard_case_unit_status', ['unit_id', 'status'], unique=False)

    op.create_table('measure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=32), nullable=False),
    sa.Column('law', sa.String(length=10), nullable=False),
    sa.Column('workflow', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('asset_class', sa.String(length=16), nullable=True),
    sa.Column('held_by', sa.String(length=200), nullable=True),
    sa.Column('current_price', sa.BigInteger(), nullable=True),
    sa.Column('sold_price', sa.BigInteger(), nullable=True),
    sa.Column('proceeds', sa.BigInteger(), nullable=False),
    sa.Column('revaluations', sa.Integer(), nullable=False),
    sa.Column('failed_auctions', sa.Integer(), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('last_step_on', sa.Date(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("asset_class IS NULL OR asset_class IN ('movable', 'immovable')", name=op.f('ck_measure_asset_class')),
    sa.CheckConstraint("category IN ('security', 'coercive')", name=op.f('ck_measure_category')),
    sa.CheckConstraint('proceeds >= 0 AND revaluations >= 0 AND failed_auctions >= 0', name=op.f('ck_measure_counts')),
    sa.ForeignKeyConstraint(['case_id'], ['enforcement_case.id'], name=op.f('fk_measure_case_id_enforcement_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['started_by_id'], ['user_account.id'], name=op.f('fk_measure_started_by_id_user_account')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_measure_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measure'))
    )
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_measure_unit_kind_started', ['unit_id', 'kind', 'started_on'], unique=False)

    op.create_table('coercion_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('measures_text', sa.Text(), nullable=False),
    sa.Column('planned_on', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('end_time', sa.Time(), nullable=True),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('procedure', sa.Text(), nullable=False),
    sa.Column('forces', sa.Text(), nullable=False),
    sa.Column('protection', sa.Text(), nullable=False),
    sa.Column('cost_estimate', sa.BigInteger(), nullable=False),
    sa.Column('drafted_by_id', sa.Integer(), nullable=True),
    sa.Column('drafted_on', sa.Date(), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('police_status', sa.String(length=20), nullable=False),
    sa.Column('police_requested_on', sa.Date(), nullable=True),
    sa.Column('police_plan_received_on', sa.Date(), nullable=True),
    sa.Column('police_confirmed_on', sa.Date(), nullable=True),
    sa.Column('police_forces', sa.Integer(), nullable=True),
    sa.Column('postponements', sa.Integer(), nullable=False),
    sa.Column('last_reason', sa.Text(), nullable=True),
    sa.Column('cancelled_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('police_intervened', sa.Boolean(), nullable=False),
    sa.Column('outcome_note', sa.Text(), nullable=True),
    sa.Column('actual_cost', sa.BigInteger(), nullable=True),
    sa.Column('cost_borne_by', sa.String(length=16), nullable=False),
    sa.Column('carried_out_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("cost_borne_by IN ('debtor', 'creditor', 'state')", name=op.f('ck_coercion_plan_cost_borne_by')),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('done', 'partial', 'obstructed')", name=op.f('ck_coercion_plan_outcome')),
    sa.CheckConstraint("police_status IN ('not_requested', 'requested', 'plan_received', 'forces_confirmed')", name=op.f('ck_coercion_plan_police_status')),
    sa.CheckConstraint("status IN ('draft', 'approved', 'postponed', 'cancelled', 'carried_out')", name=op.f('ck_coercion_plan_status')),
    sa.CheckConstraint('cost_estimate >= 0 AND (actual_cost IS NULL OR actual_cost >= 0)', name=op.f('ck_coercion_plan_costs')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['user_account.id'], name=op.f('fk_coercion_plan_approved_by_id_user_account')),
    sa.ForeignKeyConstraint(['case_id'], ['enforcement_case.id'], name=op.f('fk_coercion_plan_case_id_enforcement_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['drafted_by_id'], ['user_account.id'], name=op.f('fk_coercion_plan_drafted_by_id_user_account')),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], name=op.f('fk_coercion_plan_measure_id_measure'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_coercion_plan_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coercion_plan'))
    )
    with op.batch_alter_table('coercion_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coercion_plan_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_coercion_plan_unit_day', ['unit_id', 'planned_on'], unique=False)

    op.create_table('hard_case_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hard_case_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('conclusion', sa.Text(), nullable=False),
    sa.Column('next_review_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_hard_case_review_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['hard_case_id'], ['hard_case.id'], name=op.f('fk_hard_case_review_hard_case_id_hard_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['committee_meeting.id'], name=op.f('fk_hard_case_review_meeting_id_committee_meeting')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hard_case_review'))
    )
    with op.batch_alter_table('hard_case_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hard_case_review_hard_case_id'), ['hard_case_id'], unique=False)

    op.create_table('measure_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('trigger', sa.String(length=32), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('from_state', sa.String(length=32), nullable=False),
    sa.Column('to_state', sa.String(length=32), nullable=False),
    sa.Column('inputs', sa.JSON(), nullable=False),
    sa.Column('legal_basis', sa.String(length=200), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_measure_step_actor_id_user_account')),
    sa.ForeignKeyConstraint(['case_id'], ['enforcement_case.id'], name=op.f('fk_measure_step_case_id_enforcement_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['case_event.id'], name=op.f('fk_measure_step_event_id_case_event')),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], name=op.f('fk_measure_step_measure_id_measure'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measure_step'))
    )
    with op.batch_alter_table('measure_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_step_measure_id'), ['measure_id'], unique=False)
        batch_op.create_index('ix_measure_step_trigger_on', ['trigger', 'on'], unique=False)

    op.create_table('coercion_dispatch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=16), nullable=False),
    sa.Column('recipient_name', sa.String(length=200), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('reference', sa.String(length=64), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("recipient IN ('procuracy', 'police', 'commune')", name=op.f('ck_coercion_dispatch_recipient')),
    sa.ForeignKeyConstraint(['plan_id'], ['coercion_plan.id'], name=op.f('fk_coercion_dispatch_plan_id_coercion_plan'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_coercion_dispatch_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coercion_dispatch')),
    sa.UniqueConstraint('plan_id', 'recipient', name=op.f('uq_coercion_dispatch_plan_id_recipient'))
    )
    with op.batch_alter_table('coercion_dispatch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coercion_dispatch_plan_id'), ['plan_id'], unique=False)

    op.create_table('committee_task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hard_case_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('deadline_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('open', 'answered', 'cancelled')", name=op.f('ck_committee_task_status')),
    sa.ForeignKeyConstraint(['agency_id'], ['committee_agency.id'], name=op.f('fk_committee_task_agency_id_committee_agency')),
    sa.ForeignKeyConstraint(['case_id'], ['enforcement_case.id'], name=op.f('fk_committee_task_case_id_enforcement_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_committee_task_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['deadline_id'], ['deadline.id'], name=op.f('fk_committee_task_deadline_id_deadline')),
    sa.ForeignKeyConstraint(['hard_case_id'], ['hard_case.id'], name=op.f('fk_committee_task_hard_case_id_hard_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['committee_meeting.id'], name=op.f('fk_committee_task_meeting_id_committee_meeting')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_task'))
    )
    with op.batch_alter_table('committee_task', schema=None) as batch_op:
        batch_op.create_index('ix_committee_task_agency_status', ['agency_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_committee_task_hard_case_id'), ['hard_case_id'], unique=False)

    with op.batch_alter_table('deadline', schema=None) as batch_op:
        batch_op.add_column(sa.Column('measure_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_deadline_measure_id'), ['measure_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_deadline_measure_id_measure'), 'measure', ['measure_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('deadline', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_deadline_measure_id_measure'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_deadline_measure_id'))
        batch_op.drop_column('measure_id')

    with op.batch_alter_table('committee_task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_committee_task_hard_case_id'))
        batch_op.drop_index('ix_committee_task_agency_status')

    op.drop_table('committee_task')
    with op.batch_alter_table('coercion_dispatch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coercion_dispatch_plan_id'))

    op.drop_table('coercion_dispatch')
    with op.batch_alter_table('measure_step', schema=None) as batch_op:
        batch_op.drop_index('ix_measure_step_trigger_on')
        batch_op.drop_index(batch_op.f('ix_measure_step_measure_id'))

    op.drop_table('measure_step')
    with op.batch_alter_table('hard_case_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hard_case_review_hard_case_id'))

    op.drop_table('hard_case_review')
    with op.batch_alter_table('coercion_plan', schema=None) as batch_op:
        batch_op.drop_index('ix_coercion_plan_unit_day')
        batch_op.drop_index(batch_op.f('ix_coercion_plan_case_id'))

    op.drop_table('coercion_plan')
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.drop_index('ix_measure_unit_kind_started')
        batch_op.drop_index(batch_op.f('ix_measure_case_id'))

    op.drop_table('measure')
    with op.batch_alter_table('hard_case', schema=None) as batch_op:
        batch_op.drop_index('ix_hard_case_unit_status')
        batch_op.drop_index(batch_op.f('ix_hard_case_case_id'))

    op.drop_table('hard_case')
    with op.batch_alter_table('committee_meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_committee_meeting_unit_id'))

    op.drop_table('committee_meeting')
    with op.batch_alter_table('coercion_excluded_day', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coercion_excluded_day_unit_id'))

    op.drop_table('coercion_excluded_day')
    with op.batch_alter_table('committee_agency', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_committee_agency_unit_id'))

    op.drop_table('committee_agency')
