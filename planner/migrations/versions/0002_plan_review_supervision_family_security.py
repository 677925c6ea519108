"""Plan, review, supervision, family publishing and security fields

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sign_in_throttle',
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('username', name=op.f('pk_sign_in_throttle'))
    )
    op.create_table('adherence_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['plan_case.id'], name=op.f('fk_adherence_score_case_id_plan_case')),
    sa.ForeignKeyConstraint(['recorded_by'], ['account.id'], name=op.f('fk_adherence_score_recorded_by_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adherence_score')),
    sa.UniqueConstraint('case_id', 'month', name='uq_adherence_score_case_month')
    )
    with op.batch_alter_table('adherence_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_adherence_score_case_id'), ['case_id'], unique=False)

    op.create_table('case_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('therapist_id', sa.Integer(), nullable=False),
    sa.Column('assigned_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('assigned_by', sa.Integer(), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['assigned_by'], ['account.id'], name=op.f('fk_case_assignment_assigned_by_account')),
    sa.ForeignKeyConstraint(['case_id'], ['plan_case.id'], name=op.f('fk_case_assignment_case_id_plan_case')),
    sa.ForeignKeyConstraint(['therapist_id'], ['account.id'], name=op.f('fk_case_assignment_therapist_id_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_assignment'))
    )
    with op.batch_alter_table('case_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_assignment_case_id'), ['case_id'], unique=False)

    op.create_table('family_summary_snapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('published_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('published_by', sa.Integer(), nullable=False),
    sa.Column('content_json', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['plan_case.id'], name=op.f('fk_family_summary_snapshot_case_id_plan_case')),
    sa.ForeignKeyConstraint(['published_by'], ['account.id'], name=op.f('fk_family_summary_snapshot_published_by_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family_summary_snapshot'))
    )
    with op.batch_alter_table('family_summary_snapshot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_family_summary_snapshot_case_id'), ['case_id'], unique=False)

    op.create_table('gas_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('week', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['plan_case.id'], name=op.f('fk_gas_score_case_id_plan_case')),
    sa.ForeignKeyConstraint(['goal_id'], ['goal.id'], name=op.f('fk_gas_score_goal_id_goal')),
    sa.ForeignKeyConstraint(['recorded_by'], ['account.id'], name=op.f('fk_gas_score_recorded_by_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gas_score')),
    sa.UniqueConstraint('goal_id', 'week', name='uq_gas_score_goal_week')
    )
    with op.batch_alter_table('gas_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gas_score_case_id'), ['case_id'], unique=False)

    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))

    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chain_hmac', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False, server_default=''))

    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('addressed_by', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_comment_addressed_by_account'), 'account', ['addressed_by'], ['id'])

    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gas_levels', sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('carries_on_from', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_goal_carries_on_from_goal'), 'goal', ['carries_on_from'], ['id'])

    with op.batch_alter_table('plan_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phase_engagement_weeks', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('phase_generalisation_weeks', sa.Integer(), nullable=True))

    with op.batch_alter_table('safety_rule', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))

    with op.batch_alter_table('weekly_review', schema=None) as batch_op:
        batch_op.add_column(sa.Column('draft_json', sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False, server_default=sa.func.now()))



def downgrade() -> None:
    with op.batch_alter_table('weekly_review', schema=None) as batch_op:
        batch_op.drop_column('created_at')
        batch_op.drop_column('draft_json')

    with op.batch_alter_table('safety_rule', schema=None) as batch_op:
        batch_op.drop_column('archived_at')

    with op.batch_alter_table('plan_case', schema=None) as batch_op:
        batch_op.drop_column('phase_generalisation_weeks')
        batch_op.drop_column('phase_engagement_weeks')

    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_goal_carries_on_from_goal'), type_='foreignkey')
        batch_op.drop_column('carries_on_from')
        batch_op.drop_column('gas_levels')

    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_comment_addressed_by_account'), type_='foreignkey')
        batch_op.drop_column('addressed_by')

    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('chain_hmac')

    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_column('totp_secret')

    with op.batch_alter_table('gas_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gas_score_case_id'))

    op.drop_table('gas_score')
    with op.batch_alter_table('family_summary_snapshot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_family_summary_snapshot_case_id'))

    op.drop_table('family_summary_snapshot')
    with op.batch_alter_table('case_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_assignment_case_id'))

    op.drop_table('case_assignment')
    with op.batch_alter_table('adherence_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_adherence_score_case_id'))

    op.drop_table('adherence_score')
    op.drop_table('sign_in_throttle')
