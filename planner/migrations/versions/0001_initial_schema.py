"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('team',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team')),
    sa.UniqueConstraint('name', name=op.f('uq_team_name'))
    )
    op.create_table('account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('display_name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_account_team_id_team')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account'))
    )
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_account_username'), ['username'], unique=True)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('object_type', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['account.id'], name=op.f('fk_audit_event_actor_id_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_case_id'), ['case_id'], unique=False)

    op.create_table('plan_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alias', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('age', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('planned_weeks', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('therapist_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_plan_case_team_id_team')),
    sa.ForeignKeyConstraint(['therapist_id'], ['account.id'], name=op.f('fk_plan_case_therapist_id_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_case'))
    )
    with op.batch_alter_table('plan_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_case_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_case_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_case_therapist_id'), ['therapist_id'], unique=False)

    op.create_table('comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('body', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('addressed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['account.id'], name=op.f('fk_comment_author_id_account')),
    sa.ForeignKeyConstraint(['case_id'], ['plan_case.id'], name=op.f('fk_comment_case_id_plan_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment'))
    )
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_case_id'), ['case_id'], unique=False)

    op.create_table('driver',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('system', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('family_wording', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('evidence_for', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('evidence_against', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('changeability', sa.Integer(), nullable=False),
    sa.Column('prioritised', sa.Boolean(), nullable=False),
    sa.Column('catalogue_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('archived_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('archived_by', sa.Integer(), nullable=True),
    sa.Column('archive_reason', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['archived_by'], ['account.id'], name=op.f('fk_driver_archived_by_account')),
    sa.ForeignKeyConstraint(['case_id'], ['plan_case.id'], name=op.f('fk_driver_case_id_plan_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_driver'))
    )
    with op.batch_alter_table('driver', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_driver_case_id'), ['case_id'], unique=False)

    op.create_table('family_access',
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_family_access_account_id_account')),
    sa.ForeignKeyConstraint(['case_id'], ['plan_case.id'], name=op.f('fk_family_access_case_id_plan_case')),
    sa.PrimaryKeyConstraint('account_id', name=op.f('pk_family_access'))
    )
    with op.batch_alter_table('family_access', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_family_access_case_id'), ['case_id'], unique=False)

    op.create_table('goal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('level', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('criterion', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('family_wording', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('week', sa.Integer(), nullable=True),
    sa.Column('owner', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('gas_weight', sa.Float(), nullable=False),
    sa.Column('gas_score', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['plan_case.id'], name=op.f('fk_goal_case_id_plan_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goal'))
    )
    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goal_case_id'), ['case_id'], unique=False)

    op.create_table('intervention',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('type', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('who', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('frequency', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('start_week', sa.Integer(), nullable=False),
    sa.Column('end_week', sa.Integer(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('stop_reason', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('principles', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['plan_case.id'], name=op.f('fk_intervention_case_id_plan_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_intervention'))
    )
    with op.batch_alter_table('intervention', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_intervention_case_id'), ['case_id'], unique=False)

    op.create_table('participant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('relation', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['plan_case.id'], name=op.f('fk_participant_case_id_plan_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participant'))
    )
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participant_case_id'), ['case_id'], unique=False)

    op.create_table('rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('week', sa.Integer(), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['plan_case.id'], name=op.f('fk_rating_case_id_plan_case')),
    sa.ForeignKeyConstraint(['recorded_by'], ['account.id'], name=op.f('fk_rating_recorded_by_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rating')),
    sa.UniqueConstraint('case_id', 'week', 'subject', 'subject_id', name='uq_rating_subject_week')
    )
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rating_case_id'), ['case_id'], unique=False)

    op.create_table('referral_behaviour',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('frequency', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('intensity', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('duration', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('hackett_level', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('brook_colour', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['plan_case.id'], name=op.f('fk_referral_behaviour_case_id_plan_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_behaviour'))
    )
    with op.batch_alter_table('referral_behaviour', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_behaviour_case_id'), ['case_id'], unique=False)

    op.create_table('safety_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('setting', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('rule', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('responsible', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('review_date', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['plan_case.id'], name=op.f('fk_safety_rule_case_id_plan_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_safety_rule'))
    )
    with op.batch_alter_table('safety_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_safety_rule_case_id'), ['case_id'], unique=False)

    op.create_table('weekly_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('week', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('advances', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('barriers_therapist', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('barriers_family', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('barriers_system', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('fit_update', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('next_steps', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('submitted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('submitted_by', sa.Integer(), nullable=True),
    sa.Column('signed_off_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('signed_off_by', sa.Integer(), nullable=True),
    sa.Column('amends_review_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['amends_review_id'], ['weekly_review.id'], name=op.f('fk_weekly_review_amends_review_id_weekly_review')),
    sa.ForeignKeyConstraint(['case_id'], ['plan_case.id'], name=op.f('fk_weekly_review_case_id_plan_case')),
    sa.ForeignKeyConstraint(['signed_off_by'], ['account.id'], name=op.f('fk_weekly_review_signed_off_by_account')),
    sa.ForeignKeyConstraint(['submitted_by'], ['account.id'], name=op.f('fk_weekly_review_submitted_by_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_weekly_review'))
    )
    with op.batch_alter_table('weekly_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_weekly_review_case_id'), ['case_id'], unique=False)

    op.create_table('desired_outcome',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('who', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['plan_case.id'], name=op.f('fk_desired_outcome_case_id_plan_case')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_desired_outcome_participant_id_participant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_desired_outcome'))
    )
    with op.batch_alter_table('desired_outcome', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_desired_outcome_case_id'), ['case_id'], unique=False)

    op.create_table('driver_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('source_driver_id', sa.Integer(), nullable=False),
    sa.Column('target_driver_id', sa.Integer(), nullable=True),
    sa.Column('strength', sa.Integer(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('archived_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['plan_case.id'], name=op.f('fk_driver_link_case_id_plan_case')),
    sa.ForeignKeyConstraint(['source_driver_id'], ['driver.id'], name=op.f('fk_driver_link_source_driver_id_driver')),
    sa.ForeignKeyConstraint(['target_driver_id'], ['driver.id'], name=op.f('fk_driver_link_target_driver_id_driver')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_driver_link'))
    )
    with op.batch_alter_table('driver_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_driver_link_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_driver_link_source_driver_id'), ['source_driver_id'], unique=False)

    op.create_table('goal_driver',
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('driver_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['driver_id'], ['driver.id'], name=op.f('fk_goal_driver_driver_id_driver')),
    sa.ForeignKeyConstraint(['goal_id'], ['goal.id'], name=op.f('fk_goal_driver_goal_id_goal')),
    sa.PrimaryKeyConstraint('goal_id', 'driver_id', name=op.f('pk_goal_driver'))
    )
    op.create_table('intervention_driver',
    sa.Column('intervention_id', sa.Integer(), nullable=False),
    sa.Column('driver_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['driver_id'], ['driver.id'], name=op.f('fk_intervention_driver_driver_id_driver')),
    sa.ForeignKeyConstraint(['intervention_id'], ['intervention.id'], name=op.f('fk_intervention_driver_intervention_id_intervention')),
    sa.PrimaryKeyConstraint('intervention_id', 'driver_id', name=op.f('pk_intervention_driver'))
    )
    op.create_table('safety_rule_driver',
    sa.Column('rule_id', sa.Integer(), nullable=False),
    sa.Column('driver_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['driver_id'], ['driver.id'], name=op.f('fk_safety_rule_driver_driver_id_driver')),
    sa.ForeignKeyConstraint(['rule_id'], ['safety_rule.id'], name=op.f('fk_safety_rule_driver_rule_id_safety_rule')),
    sa.PrimaryKeyConstraint('rule_id', 'driver_id', name=op.f('pk_safety_rule_driver'))
    )


def downgrade() -> None:
    op.drop_table('safety_rule_driver')
    op.drop_table('intervention_driver')
    op.drop_table('goal_driver')
    with op.batch_alter_table('driver_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_driver_link_source_driver_id'))
        batch_op.drop_index(batch_op.f('ix_driver_link_case_id'))

    op.drop_table('driver_link')
    with op.batch_alter_table('desired_outcome', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_desired_outcome_case_id'))

    op.drop_table('desired_outcome')
    with op.batch_alter_table('weekly_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_weekly_review_case_id'))

    op.drop_table('weekly_review')
    with op.batch_alter_table('safety_rule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_safety_rule_case_id'))

    op.drop_table('safety_rule')
    with op.batch_alter_table('referral_behaviour', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_behaviour_case_id'))

    op.drop_table('referral_behaviour')
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rating_case_id'))

    op.drop_table('rating')
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participant_case_id'))

    op.drop_table('participant')
    with op.batch_alter_table('intervention', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_intervention_case_id'))

    op.drop_table('intervention')
    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goal_case_id'))

    op.drop_table('goal')
    with op.batch_alter_table('family_access', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_family_access_case_id'))

    op.drop_table('family_access')
    with op.batch_alter_table('driver', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_driver_case_id'))

    op.drop_table('driver')
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_case_id'))

    op.drop_table('comment')
    with op.batch_alter_table('plan_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_case_therapist_id'))
        batch_op.drop_index(batch_op.f('ix_plan_case_team_id'))
        batch_op.drop_index(batch_op.f('ix_plan_case_status'))

    op.drop_table('plan_case')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_case_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))

    op.drop_table('audit_event')
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_username'))
        batch_op.drop_index(batch_op.f('ix_account_team_id'))

    op.drop_table('account')
    op.drop_table('team')
